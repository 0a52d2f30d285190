package dev.fmplex.control.cluster;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The monitor every change of placements holds: deploys, undeploys, pause/resume on replicas,
 * reconciles and replications each read placements, talk to workers and write placements back; two
 * of them interleaved could place a vFM twice or drop a replica another just made. Liveness
 * (register, heartbeat, reaping) has its own lock in {@link WorkerMembership}, so a slow reconcile
 * never delays a heartbeat into a false death.
 */
@Component
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
final class PlacementLock {}
