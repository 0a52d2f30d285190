/**
 * The distributed mode of the control plane ({@code fmplex.control.mode=distributed}): workers
 * register and heartbeat, the control plane places vFMs on them (sharing-aware, within memory
 * budgets), re-places the vFMs of workers that fall silent, and routes requests to a live replica
 * through a circuit breaker per worker.
 */
package dev.fmplex.control.cluster;
