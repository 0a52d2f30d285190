/**
 * Hosting backbones and running vFM requests: configuration ({@code WorkerProperties}), the
 * backbone host that loads every configured backbone through the engine's family SPI with one
 * scheduler per backbone, the vFM versions it serves ({@code VfmDeployments}), the inference
 * service that validates, queues and answers ({@code VfmInferenceService}, with its fan-out rules),
 * and {@code EngineProblems}, the one place engine exceptions become problem types.
 */
package dev.fmplex.worker.inference;
