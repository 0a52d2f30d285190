/**
 * Hosting backbones and running vFM requests: configuration, the backbone host with one executor
 * thread per backbone, and the inference service that validates, queues and answers.
 */
package dev.fmplex.worker.inference;
