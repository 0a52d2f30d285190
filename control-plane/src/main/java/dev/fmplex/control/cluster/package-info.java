/**
 * The distributed mode of the control plane ({@code fmplex.control.mode=distributed}): workers
 * register and heartbeat, the control plane places vFMs on them (sharing-aware, within memory
 * budgets), re-places the vFMs of workers that fall silent, and routes requests to a live replica
 * through a circuit breaker per worker.
 *
 * <p>One class per job: {@link dev.fmplex.control.cluster.WorkerMembership} (register, heartbeat,
 * declaring silent workers dead), {@link dev.fmplex.control.cluster.LivenessMonitor} (the heartbeat
 * tick and the resume after a restart), {@link dev.fmplex.control.cluster.VfmPlacer} (sending a
 * version where {@link dev.fmplex.control.placement.PlacementPolicy} chooses), {@link
 * dev.fmplex.control.cluster.Reconciler} (placements back in line with the catalog), {@link
 * dev.fmplex.control.cluster.HotVfmReplicator} (a second replica for hot vFMs), {@link
 * dev.fmplex.control.cluster.RouteTable} (the in-memory routes the router reads) and {@link
 * dev.fmplex.control.cluster.ClusterService} (what the rest of the control plane calls). Every
 * change of placements holds the one {@link dev.fmplex.control.cluster.PlacementLock}.
 */
package dev.fmplex.control.cluster;
