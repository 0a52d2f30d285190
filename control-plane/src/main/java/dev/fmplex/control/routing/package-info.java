/**
 * Routing inference to workers. The control plane knows workers only through {@link
 * dev.fmplex.control.routing.WorkerGateway} and {@link dev.fmplex.control.routing.BackboneSource};
 * the standalone server implements both with its in-process worker.
 */
package dev.fmplex.control.routing;
