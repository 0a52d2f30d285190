package dev.fmplex.worker.inference;

import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.peft.ArtifactException;
import dev.fmplex.engine.scheduler.SchedulerStats;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.worker.inference.BackboneHost.HostedBackbone;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vFM versions this worker serves: installing a deployment's version on its backbone (checked
 * by the backbone's importer first, swapped in atomically), unloading, pausing, and what each
 * deployment holds. Requests go through {@link VfmInferenceService}.
 */
public final class VfmDeployments {

    private static final Logger log = LoggerFactory.getLogger(VfmDeployments.class);

    private final BackboneHost host;
    private final Map<String, VfmDeployment> deployments = new ConcurrentHashMap<>();
    private final Map<String, Instant> loadedAt = new ConcurrentHashMap<>();

    public VfmDeployments(BackboneHost host) {
        this.host = host;
    }

    /**
     * Validates {@code files} for the deployment's task against its backbone and makes the result
     * the serving version; blocking (CPU and native allocation), call it off the event loop.
     *
     * @return bytes of the new version's own tensors
     * @throws FmplexException 422 naming the file and the reason; the serving version is untouched
     */
    public long deploy(VfmDeployment deployment, Map<String, byte[]> files) {
        HostedBackbone backbone = backbone(deployment);
        VfmModel model;
        try {
            model =
                    backbone.served()
                            .importer()
                            .load(
                                    deployment.vfmId(),
                                    deployment.version(),
                                    deployment.task(),
                                    files,
                                    backbone.served().root());
        } catch (ArtifactException e) {
            throw EngineProblems.of(e);
        }
        backbone.registry().install(model);
        deployments.put(deployment.vfmId(), deployment);
        loadedAt.put(deployment.vfmId(), Instant.now());
        backbone.metrics().watchQueue(deployment.vfmId());
        log.info(
                "Serving vFM {} version {} ({}, weight {}, {} bytes resident) on {}",
                deployment.vfmId(),
                deployment.version(),
                deployment.task().kind(),
                deployment.weight(),
                model.residentBytes(),
                deployment.backbone());
        return model.residentBytes();
    }

    /** Stops serving a vFM; in-flight requests finish on the version they hold. */
    public void undeploy(String vfmId) {
        deployments.remove(vfmId);
        loadedAt.remove(vfmId);
        host.all()
                .forEach(
                        backbone -> {
                            backbone.registry().unload(vfmId);
                            backbone.scheduler().forget(vfmId);
                        });
    }

    /** Unloads every vFM (the control plane declared this worker dead and will re-place them). */
    public void undeployAll() {
        List.copyOf(deployments.keySet()).forEach(this::undeploy);
    }

    /** Every vFM this worker serves, with when its serving version was loaded. */
    public List<Loaded> loaded() {
        List<Loaded> loaded = new ArrayList<>();
        deployments.forEach(
                (id, deployment) -> {
                    Instant at = loadedAt.get(id);
                    Long bytes = residentBytes(id);
                    if (at != null && bytes != null) {
                        loaded.add(new Loaded(deployment, bytes, at));
                    }
                });
        loaded.sort(Comparator.comparing(l -> l.deployment().vfmId()));
        return loaded;
    }

    /** A served vFM: its deployment, the bytes of its own tensors and when it was loaded. */
    public record Loaded(VfmDeployment deployment, long residentBytes, Instant loadedAt) {}

    /** The deployment this worker serves for {@code vfmId}. */
    public Optional<VfmDeployment> deployment(String vfmId) {
        return Optional.ofNullable(deployments.get(vfmId));
    }

    /** Refuses new requests for the vFM; queued ones finish. */
    public void pause(String vfmId) {
        schedulerOf(vfmId).scheduler().pause(vfmId);
    }

    public void resume(String vfmId) {
        schedulerOf(vfmId).scheduler().resume(vfmId);
    }

    private HostedBackbone schedulerOf(String vfmId) {
        VfmDeployment deployment = deployment(vfmId).orElseThrow(() -> notLoaded(vfmId));
        return backbone(deployment);
    }

    /** Bytes of the serving version's own tensors, or null when the vFM is not loaded here. */
    public Long residentBytes(String vfmId) {
        for (HostedBackbone backbone : host.all()) {
            Long bytes = backbone.registry().residentBytes(vfmId).orElse(null);
            if (bytes != null) {
                return bytes;
            }
        }
        return null;
    }

    /**
     * One vFM's queue in its backbone's scheduler, if it is deployed here; all zeros for a vFM that
     * has not had a request yet (the scheduler learns of a vFM from its first request).
     */
    public Optional<SchedulerStats.VfmQueueStats> queueStats(String vfmId) {
        return deployment(vfmId)
                .map(
                        d -> {
                            SchedulerStats.VfmQueueStats seen =
                                    backbone(d).scheduler().stats().vfms().get(vfmId);
                            return seen != null
                                    ? seen
                                    : new SchedulerStats.VfmQueueStats(
                                            d.weight(), false, 0, 0, 0, 0, 0, 0, 0, 0);
                        });
    }

    /** Scheduler snapshots by backbone name. */
    public Map<String, SchedulerStats> stats() {
        Map<String, SchedulerStats> stats = new LinkedHashMap<>();
        host.all().forEach(b -> stats.put(b.served().descriptor().name(), b.scheduler().stats()));
        return stats;
    }

    HostedBackbone backbone(VfmDeployment deployment) {
        return host.find(deployment.backbone())
                .orElseThrow(
                        () ->
                                new FmplexException(
                                        ProblemType.BACKBONE_UNAVAILABLE,
                                        "backbone",
                                        "backbone "
                                                + deployment.backbone()
                                                + " is not loaded on this worker"));
    }

    public static FmplexException notLoaded(String vfmId) {
        return new FmplexException(
                ProblemType.VFM_NOT_LOADED, null, "vFM " + vfmId + " is not loaded on this worker");
    }

    /** For callers that need the deployments of a fan-out in request order. */
    public List<VfmDeployment> deploymentsOf(List<String> vfmIds) {
        List<VfmDeployment> found = new ArrayList<>();
        for (int i = 0; i < vfmIds.size(); i++) {
            String id = vfmIds.get(i);
            int index = i;
            found.add(
                    deployment(id)
                            .orElseThrow(
                                    () ->
                                            new FmplexException(
                                                    ProblemType.UNKNOWN_VFM,
                                                    "vfms[" + index + "]",
                                                    "no vFM with id '" + id + "' on this worker")));
        }
        return found;
    }
}
