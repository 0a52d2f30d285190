/**
 * The FMplex control plane: the source of truth in PostgreSQL for backbones and vFMs, the public
 * REST API, and routing of inference to workers. It never loads DJL; workers are reached through
 * {@link dev.fmplex.control.routing.WorkerGateway}.
 */
package dev.fmplex.control;
