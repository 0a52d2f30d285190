package dev.fmplex.control.cluster;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.model.vfm.VfmDeployment;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Makes placements match the catalog after anything that may have broken the match: a worker joined
 * (its memory is empty after a restart), died, or the control plane itself restarted.
 */
@Component
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final WorkerRepository workers;
    private final PlacementRepository placements;
    private final CatalogService catalog;
    private final VfmPlacer placer;
    private final RouteTable routes;
    private final PlacementLock lock;

    Reconciler(
            WorkerRepository workers,
            PlacementRepository placements,
            CatalogService catalog,
            VfmPlacer placer,
            RouteTable routes,
            PlacementLock lock) {
        this.workers = workers;
        this.placements = placements;
        this.catalog = catalog;
        this.placer = placer;
        this.routes = routes;
        this.lock = lock;
    }

    /**
     * {@link #reconcile} that logs a failure instead of throwing, for callers on their own thread.
     *
     * @return whether it succeeded (a failed one is for the caller to retry)
     */
    boolean reconcileSafely(UUID freshWorker) {
        try {
            reconcile(freshWorker);
            return true;
        } catch (RuntimeException e) {
            log.error("reconcile failed; retrying on the next heartbeat tick", e);
            return false;
        }
    }

    /**
     * Every loadable vFM gets a live replica at its current version; placements on dead workers go;
     * a worker that rejoined gets its vFMs again.
     *
     * @param freshWorker a worker that just (re)registered, whose placements must be sent again, or
     *     null
     */
    void reconcile(UUID freshWorker) {
        synchronized (lock) {
            Map<UUID, WorkerEntity> alive =
                    workers.findByState(WorkerEntity.ALIVE).stream()
                            .collect(Collectors.toMap(WorkerEntity::id, w -> w));
            for (VfmDeployment deployment : catalog.loadableDeployments()) {
                reconcile(deployment, alive, freshWorker);
            }
            routes.refresh();
        }
    }

    private void reconcile(
            VfmDeployment deployment, Map<UUID, WorkerEntity> alive, UUID freshWorker) {
        UUID vfm = UUID.fromString(deployment.vfmId());
        boolean placed = false;
        for (PlacementEntity placement : placements.findByVfm(vfm)) {
            WorkerEntity worker = alive.get(placement.workerId());
            if (worker == null) {
                placements.delete(placement);
                continue;
            }
            // A worker that kept running already holds its version; one that (re)joined, or
            // holds an older version, gets it sent. A newer one is an upload in flight.
            if (!worker.id().equals(freshWorker) && placement.version() >= deployment.version()) {
                placed = true;
                continue;
            }
            try {
                placer.load(
                        worker,
                        deployment,
                        catalog.artifacts(deployment.vfmId(), deployment.version()));
                placed = true;
            } catch (RuntimeException e) {
                log.warn(
                        "vFM {} could not be loaded on {}: {}",
                        vfm,
                        worker.address(),
                        e.getMessage());
                placements.delete(placement);
            }
        }
        if (!placed) {
            try {
                placer.place(
                        deployment,
                        catalog.artifacts(deployment.vfmId(), deployment.version()),
                        Set.of());
            } catch (RuntimeException e) {
                log.warn("vFM {} has no replica: {}", vfm, e.getMessage());
            }
        }
    }
}
