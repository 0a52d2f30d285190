package dev.fmplex.control.cluster;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.routing.WorkerDirectory;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.cluster.PlacementView;
import dev.fmplex.model.cluster.RegistrationReply;
import dev.fmplex.model.cluster.WorkerRegistration;
import dev.fmplex.model.cluster.WorkerView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.vfm.VfmDeployment;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Service;

/**
 * What the distributed mode offers the rest of the control plane: workers joining and beating,
 * versions loaded on the replicas of a vFM, pause/resume/unload on all of them, and what runs
 * where. The catalog is the truth; placements and routes are derived from it.
 */
@Service
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
class ClusterService implements WorkerDirectory {

    private static final Logger log = LoggerFactory.getLogger(ClusterService.class);

    private final WorkerMembership membership;
    private final WorkerRepository workers;
    private final PlacementRepository placements;
    private final WorkerUsage usage;
    private final CatalogService catalog;
    private final WorkerClient client;
    private final VfmPlacer placer;
    private final Reconciler reconciler;
    private final RouteTable routes;
    private final PlacementLock lock;
    private final Clock clock = Clock.systemUTC();

    ClusterService(
            WorkerMembership membership,
            WorkerRepository workers,
            PlacementRepository placements,
            WorkerUsage usage,
            CatalogService catalog,
            WorkerClient client,
            VfmPlacer placer,
            Reconciler reconciler,
            RouteTable routes,
            PlacementLock lock) {
        this.membership = membership;
        this.workers = workers;
        this.placements = placements;
        this.usage = usage;
        this.catalog = catalog;
        this.client = client;
        this.placer = placer;
        this.reconciler = reconciler;
        this.routes = routes;
        this.lock = lock;
    }

    /** A worker (re)joins: it is alive, its backbones are registered, and it gets its vFMs. */
    RegistrationReply register(WorkerRegistration registration) {
        WorkerEntity worker = membership.register(registration);
        catalog.registerBackbones(registration.backbones());
        log.info(
                "Worker {} joined at {} with {}",
                worker.id(),
                worker.address(),
                registration.backbones().stream().map(BackboneDescriptor::name).toList());
        // Its memory is empty after a (re)start (a worker declared dead clears itself before it
        // registers again): everything placed on it goes back.
        UUID fresh = worker.id();
        new Thread(() -> reconciler.reconcileSafely(fresh), "fmplex-reconcile").start();
        return new RegistrationReply(
                worker.id().toString(), membership.heartbeatInterval().toMillis());
    }

    void heartbeat(String workerId) {
        membership.heartbeat(workerId);
    }

    /**
     * Loads a version on every worker that holds the vFM, or places it on the best worker when none
     * does; the first worker validates the files (its 422 aborts with nothing recorded).
     */
    long deploy(VfmDeployment deployment, Map<String, byte[]> files) {
        synchronized (lock) {
            UUID vfm = UUID.fromString(deployment.vfmId());
            List<WorkerEntity> holders = new ArrayList<>();
            for (PlacementEntity placement : placements.findByVfm(vfm)) {
                workers.findById(placement.workerId())
                        .filter(WorkerEntity::alive)
                        .ifPresent(holders::add);
            }
            if (holders.isEmpty()) {
                long bytes = placer.place(deployment, files, Set.of());
                routes.refresh();
                return bytes;
            }
            requireRoomOnHolders(deployment, files, vfm, holders);
            long bytes = 0;
            for (WorkerEntity worker : holders) {
                bytes = client.deploy(worker.address(), deployment, files);
                placements.save(
                        new PlacementEntity(
                                vfm, worker.id(), deployment.version(), bytes, clock.instant()));
            }
            routes.refresh();
            return bytes;
        }
    }

    /**
     * The new version replaces the old one on each holder, so the old one's bytes count as free;
     * checked on all holders before any is sent the version, so none is left half upgraded.
     */
    private void requireRoomOnHolders(
            VfmDeployment deployment,
            Map<String, byte[]> files,
            UUID vfm,
            List<WorkerEntity> holders) {
        long estimate = ResidentEstimate.of(files);
        for (WorkerEntity worker : holders) {
            long free =
                    worker.memoryBudgetBytes()
                            - (usage.used(worker) - usage.placedBytes(worker, vfm));
            if (estimate > free) {
                throw new FmplexException(
                        ProblemType.NO_REPLICA,
                        null,
                        "version "
                                + deployment.version()
                                + " of vFM "
                                + deployment.vfmId()
                                + " needs about "
                                + estimate
                                + " bytes on worker "
                                + worker.address()
                                + ", which has "
                                + free
                                + " of its memory budget free");
            }
        }
    }

    void undeploy(String vfmId) {
        synchronized (lock) {
            for (RouteTable.Route route : routes.routes(vfmId)) {
                try {
                    client.undeploy(route.address(), vfmId);
                } catch (RuntimeException e) {
                    log.warn(
                            "could not unload vFM {} from {}: {}",
                            vfmId,
                            route.address(),
                            e.getMessage());
                }
            }
            placements.deleteByVfm(UUID.fromString(vfmId));
            routes.refresh();
        }
    }

    /** Pause or resume on every replica. */
    void lifecycle(String vfmId, String action) {
        synchronized (lock) {
            for (RouteTable.Route route : routes.routes(vfmId)) {
                try {
                    client.lifecycle(route.address(), vfmId, action);
                } catch (RuntimeException e) {
                    // A dead replica is reaped soon; a live one that failed is logged, the rest
                    // proceed.
                    log.warn(
                            "could not {} vFM {} on {}: {}",
                            action,
                            vfmId,
                            route.address(),
                            e.getMessage());
                }
            }
        }
    }

    @Override
    public List<WorkerView> workers() {
        return workers.findAll().stream()
                .sorted(Comparator.comparing(WorkerEntity::address))
                .map(
                        w ->
                                new WorkerView(
                                        w.id().toString(),
                                        w.address(),
                                        w.state(),
                                        w.memoryBudgetBytes(),
                                        usage.used(w),
                                        usage.backbones(w).stream()
                                                .map(BackboneDescriptor::name)
                                                .toList(),
                                        usage.placedVfms(w),
                                        w.lastHeartbeat()))
                .toList();
    }

    @Override
    public List<PlacementView> placements() {
        Map<UUID, String> addresses = new HashMap<>();
        workers.findAll().forEach(w -> addresses.put(w.id(), w.address()));
        return placements.findAll().stream()
                .map(p -> p.toView(addresses.get(p.workerId())))
                .toList();
    }
}
