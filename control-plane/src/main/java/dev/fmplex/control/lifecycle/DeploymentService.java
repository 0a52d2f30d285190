package dev.fmplex.control.lifecycle;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.routing.WorkerGateway;
import dev.fmplex.control.telemetry.TrafficRecorder;
import dev.fmplex.model.api.VfmStats;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.vfm.LifecycleAction;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.model.vfm.VfmState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Puts vFM versions on workers. A new version is validated by loading it beside the serving one on
 * the worker; only when that succeeds is it stored and switched to, so a bad upload changes
 * nothing. Blocking; callers on the event loop go through {@code Blocking}.
 */
@Service
public class DeploymentService {

    private static final Logger log = LoggerFactory.getLogger(DeploymentService.class);

    private final CatalogService catalog;
    private final VfmLifecycle lifecycle;
    private final WorkerGateway gateway;
    private final TrafficRecorder traffic;
    private final Map<String, Object> uploadLocks = new ConcurrentHashMap<>();

    DeploymentService(
            CatalogService catalog,
            VfmLifecycle lifecycle,
            WorkerGateway gateway,
            TrafficRecorder traffic) {
        this.traffic = traffic;
        this.catalog = catalog;
        this.lifecycle = lifecycle;
        this.gateway = gateway;
    }

    /** Deploys a just-created vFM if it is complete without artifacts. */
    public VfmView deployCreated(VfmView created) {
        if (created.state() != VfmState.ACTIVE) {
            return created;
        }
        try {
            long bytes = gateway.deploy(catalog.deployment(created.id()), Map.of());
            return created.withResidentBytes(bytes);
        } catch (RuntimeException e) {
            // Nothing serves it, so nothing of it should remain: the name stays free for a retry.
            catalog.remove(created.id());
            throw e;
        }
    }

    /** Validates, deploys and records a new version made of {@code files}. */
    public VfmView uploadVersion(String id, Map<String, byte[]> files) {
        if (files.isEmpty()) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "files",
                    "a version needs at least one file part named 'files'");
        }
        catalog.deployment(id); // 404 before any state is kept for an unknown id
        // One upload per vFM at a time: versions are numbered and switched in order.
        synchronized (uploadLocks.computeIfAbsent(id, key -> new Object())) {
            VfmDeployment current = catalog.deployment(id);
            VfmDeployment next = current.withVersion(current.version() + 1);
            long bytes = gateway.deploy(next, files);
            try {
                return lifecycle
                        .recordVersion(id, current.version(), files)
                        .withResidentBytes(bytes);
            } catch (RuntimeException e) {
                // The worker already switched; put it back on what the catalog says serves.
                restore(current);
                throw e;
            }
        }
    }

    private void restore(VfmDeployment current) {
        try {
            if (current.version() == 0) {
                gateway.undeploy(current.vfmId());
            } else {
                gateway.deploy(current, catalog.artifacts(current.vfmId(), current.version()));
            }
        } catch (RuntimeException e) {
            log.error(
                    "vFM {}: could not restore version {} on the worker: {}",
                    current.vfmId(),
                    current.version(),
                    e.getMessage());
        }
    }

    /**
     * Loads every vFM a worker should hold (serving and paused ones, the paused refusing new
     * requests); one that fails is marked FAILED.
     */
    public void deployAll() {
        int deployed = 0;
        for (VfmDeployment deployment : catalog.loadableDeployments()) {
            try {
                gateway.deploy(
                        deployment, catalog.artifacts(deployment.vfmId(), deployment.version()));
                if (catalog.isPaused(deployment.vfmId())) {
                    gateway.pause(deployment.vfmId());
                }
                deployed++;
            } catch (RuntimeException e) {
                log.error(
                        "vFM {} version {} failed to deploy: {}",
                        deployment.vfmId(),
                        deployment.version(),
                        e.getMessage());
                lifecycle.markFailed(deployment.vfmId());
            }
        }
        log.info("Deployed {} vFM(s) from the catalog", deployed);
    }

    /** {@code POST /vfms/{id}/pause}: the catalog first, then the worker stops admitting. */
    public VfmView pause(String id) {
        return locked(
                id,
                () -> {
                    lifecycle.transition(
                            id,
                            LifecycleAction.PAUSE,
                            VfmState.PAUSED,
                            "POST /vfms/" + id + "/pause");
                    gateway.pause(id);
                    return withResidency(catalog.get(id));
                });
    }

    public VfmView resume(String id) {
        return locked(
                id,
                () -> {
                    VfmDeployment current =
                            lifecycle.transition(
                                    id,
                                    LifecycleAction.RESUME,
                                    VfmState.ACTIVE,
                                    "POST /vfms/" + id + "/resume");
                    if (gateway.residentBytes(id).isEmpty()) {
                        // Not on the worker (it restarted, say): load the version before admitting
                        // again.
                        gateway.deploy(current, catalog.artifacts(id, current.version()));
                    }
                    gateway.resume(id);
                    return withResidency(catalog.get(id));
                });
    }

    /** {@code POST /vfms/{id}/deploy}: loads the current version again (after a failure). */
    public VfmView deploy(String id) {
        return locked(
                id,
                () -> {
                    VfmDeployment current = lifecycle.requireAllowed(id, LifecycleAction.DEPLOY);
                    long bytes = gateway.deploy(current, catalog.artifacts(id, current.version()));
                    lifecycle.transition(
                            id,
                            LifecycleAction.DEPLOY,
                            VfmState.ACTIVE,
                            "POST /vfms/" + id + "/deploy");
                    return catalog.get(id).withResidentBytes(bytes);
                });
    }

    /** {@code DELETE /vfms/{id}}: gone from the catalog, then from the worker. */
    public VfmView delete(String id) {
        VfmView deleted =
                locked(
                        id,
                        () -> {
                            // Unload first, while the placements still say where: a vFM deleted
                            // from the catalog
                            // but still loaded would be untracked.
                            gateway.undeploy(id);
                            return lifecycle.delete(id);
                        });
        uploadLocks.remove(id);
        traffic.forget(id);
        return deleted;
    }

    /** {@code PATCH /vfms/{id}}; serialized with the vFM's other changes. */
    public VfmView update(String id, dev.fmplex.model.api.UpdateVfmRequest request) {
        return locked(id, () -> withResidency(lifecycle.update(id, request)));
    }

    /**
     * Runs one change of a vFM while no other change of the same vFM runs in this control plane, so
     * the worker and the catalog move together (a delete cannot slip between an upload's validation
     * on the worker and its record in the catalog).
     */
    private <T> T locked(String id, java.util.function.Supplier<T> change) {
        catalog.deployment(id); // 404 before any lock is kept for an unknown id
        synchronized (uploadLocks.computeIfAbsent(id, key -> new Object())) {
            return change.get();
        }
    }

    public VfmStats stats(String id) {
        return stats(catalog.get(id), gateway.schedulerView(id));
    }

    /** The stats of vFMs read from the catalog, with one scheduler query for all of them. */
    public List<VfmStats> stats(List<VfmView> catalogViews) {
        Map<String, WorkerGateway.SchedulerView> queues =
                gateway.schedulerViews(catalogViews.stream().map(VfmView::id).toList());
        return catalogViews.stream()
                .map(view -> stats(view, Optional.ofNullable(queues.get(view.id()))))
                .toList();
    }

    private VfmStats stats(VfmView catalogView, Optional<WorkerGateway.SchedulerView> queue) {
        VfmView view = withResidency(catalogView);
        String id = view.id();
        return new VfmStats(
                view.id(),
                view.version(),
                view.state().name(),
                view.weight(),
                view.residentBytes(),
                queue.isPresent(),
                queue.map(WorkerGateway.SchedulerView::paused).orElse(false),
                queue.map(WorkerGateway.SchedulerView::queuedRequests).orElse(0),
                queue.map(WorkerGateway.SchedulerView::completedRequests).orElse(0L),
                queue.map(WorkerGateway.SchedulerView::completedCostMs).orElse(0.0),
                queue.map(WorkerGateway.SchedulerView::rejected).orElse(0L),
                queue.map(WorkerGateway.SchedulerView::expired).orElse(0L),
                queue.map(WorkerGateway.SchedulerView::achievedShare).orElse(0.0),
                queue.map(WorkerGateway.SchedulerView::weightShare).orElse(0.0),
                queue.map(WorkerGateway.SchedulerView::replicas).orElse(0),
                traffic.summary(id));
    }

    /** The view with the resident bytes its worker reports (0 when not loaded). */
    public VfmView withResidency(VfmView view) {
        return view.withResidentBytes(gateway.residentBytes(view.id()).orElse(0L));
    }
}
