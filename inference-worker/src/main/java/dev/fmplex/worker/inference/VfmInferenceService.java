package dev.fmplex.worker.inference;

import dev.fmplex.engine.execution.InferencePayload;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.peft.ArtifactException;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.scheduler.AdmissionException;
import dev.fmplex.engine.scheduler.Completed;
import dev.fmplex.engine.scheduler.SchedulerStats;
import dev.fmplex.model.api.FanOutResponse;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.api.Timing;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.MissingValues;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.worker.inference.BackboneHost.HostedBackbone;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Loads vFM versions and runs their requests through their backbone's fair scheduler.
 *
 * <p>A request is checked and converted (tokenized, decoded) before it is queued (off the event
 * loop), so a bad request costs no batch slot. It then holds a reference to the vFM's serving
 * version until its batch finished, so it completes on the version it started on even if a new one
 * is installed meanwhile. Its deadline is enforced twice: the scheduler drops it if it is still
 * queued, and the reply fails with 504 when it passes; a client that goes away cancels it out of
 * the queue.
 */
public final class VfmInferenceService {

    private static final Logger log = LoggerFactory.getLogger(VfmInferenceService.class);

    private final BackboneHost host;
    private final WorkerProperties properties;
    private final Map<String, VfmDeployment> deployments = new ConcurrentHashMap<>();

    public VfmInferenceService(BackboneHost host, WorkerProperties properties) {
        this.host = host;
        this.properties = properties;
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
                    backbone.runtime()
                            .importer()
                            .load(
                                    deployment.vfmId(),
                                    deployment.version(),
                                    deployment.task(),
                                    files,
                                    backbone.runtime().root());
        } catch (ArtifactException e) {
            throw EngineProblems.of(e);
        }
        backbone.registry().install(model);
        deployments.put(deployment.vfmId(), deployment);
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
        host.all().forEach(backbone -> backbone.registry().unload(vfmId));
    }

    /** Unloads every vFM (the control plane declared this worker dead and will re-place them). */
    public void undeployAll() {
        List.copyOf(deployments.keySet()).forEach(this::undeploy);
    }

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

    /** One vFM's queue in its backbone's scheduler, if it is deployed here. */
    public Optional<SchedulerStats.VfmQueueStats> queueStats(String vfmId) {
        return deployment(vfmId)
                .flatMap(
                        d ->
                                Optional.ofNullable(
                                        backbone(d).scheduler().stats().vfms().get(vfmId)));
    }

    /** Scheduler snapshots by backbone name. */
    public Map<String, SchedulerStats> stats() {
        Map<String, SchedulerStats> stats = new LinkedHashMap<>();
        host.all().forEach(b -> stats.put(b.runtime().descriptor().name(), b.scheduler().stats()));
        return stats;
    }

    public Mono<InferResponse> infer(VfmDeployment deployment, InferRequest request) {
        return Mono.defer(
                () -> {
                    HostedBackbone backbone = backbone(deployment);
                    Duration timeout = timeout(request);
                    long deadline = System.nanoTime() + timeout.toNanos();
                    return withinDeadline(
                            prepare(backbone, request, deployment.task(), inputLimit(deployment))
                                    .flatMap(
                                            encoded ->
                                                    run(
                                                            deployment,
                                                            backbone,
                                                            encoded,
                                                            deadline,
                                                            timeout)),
                            deployment.vfmId(),
                            timeout,
                            backbone);
                });
    }

    /**
     * The whole request, tokenization included, answers within its deadline: the queue's own
     * timeout only starts once the request is submitted, and a client must never wait past {@code
     * timeoutMs} for a 504, whatever stage held it up (which is logged).
     */
    private <T> Mono<T> withinDeadline(
            Mono<T> request, String vfmId, Duration timeout, HostedBackbone backbone) {
        return request.timeout(timeout.plusMillis(GRACE_MS))
                .onErrorMap(
                        TimeoutException.class,
                        e -> {
                            log.warn(
                                    "request for vFM {} got no result within {} ms; answering 504",
                                    vfmId,
                                    timeout.toMillis() + GRACE_MS);
                            return translate(e, vfmId, timeout, backbone);
                        });
    }

    /** Lets the queue's own, more precise deadline answer first when it can. */
    private static final long GRACE_MS = 500;

    /**
     * The same inputs through several vFMs of one backbone: prepared once, one queue entry per vFM
     * (each charged for its own rows), and the backbone work shared where extensions allow.
     */
    public Mono<FanOutResponse> inferMany(List<VfmDeployment> targets, InferRequest request) {
        return Mono.defer(
                () -> {
                    if (targets.isEmpty()) {
                        throw new FmplexException(
                                ProblemType.INVALID_REQUEST,
                                "vfms",
                                "vfms must name at least 1 vFM");
                    }
                    if (new HashSet<>(targets.stream().map(VfmDeployment::vfmId).toList()).size()
                            != targets.size()) {
                        throw new FmplexException(
                                ProblemType.INVALID_REQUEST, "vfms", "vfms names a vFM twice");
                    }
                    String backboneName = targets.get(0).backbone();
                    for (int i = 1; i < targets.size(); i++) {
                        if (!targets.get(i).backbone().equals(backboneName)) {
                            throw new FmplexException(
                                    ProblemType.INVALID_REQUEST,
                                    "vfms[" + i + "]",
                                    "all vFMs of a fan-out must share one backbone: vfms[0] is on "
                                            + backboneName
                                            + ", vfms["
                                            + i
                                            + "] on "
                                            + targets.get(i).backbone());
                        }
                    }
                    for (int i = 1; i < targets.size(); i++) {
                        MissingValues first = orReject(targets.get(0).task().missingValues());
                        MissingValues other = orReject(targets.get(i).task().missingValues());
                        if (first != other) {
                            throw new FmplexException(
                                    ProblemType.INVALID_REQUEST,
                                    "vfms[" + i + "]",
                                    "the vFMs of a fan-out share one preparation of the inputs:"
                                            + " vfms[0] handles missing values as "
                                            + first.wireName()
                                            + ", vfms["
                                            + i
                                            + "] as "
                                            + other.wireName());
                        }
                    }
                    int limit = targets.stream().mapToInt(this::inputLimit).min().orElseThrow();
                    HostedBackbone backbone = backbone(targets.get(0));
                    Duration timeout = timeout(request);
                    long deadline = System.nanoTime() + timeout.toNanos();
                    return withinDeadline(
                            prepare(backbone, request, targets.get(0).task(), limit)
                                    .doOnNext(
                                            inputs ->
                                                    targets.forEach(
                                                            target ->
                                                                    backbone.runtime()
                                                                            .requireServable(
                                                                                    inputs,
                                                                                    target.task())))
                                    .onErrorMap(EngineProblems::translate)
                                    .flatMap(
                                            encoded ->
                                                    Flux.fromIterable(targets)
                                                            .flatMapSequential(
                                                                    target ->
                                                                            run(
                                                                                    target,
                                                                                    backbone,
                                                                                    encoded,
                                                                                    deadline,
                                                                                    timeout))
                                                            .collectList())
                                    .map(FanOutResponse::new),
                            targets.get(0).vfmId(),
                            timeout,
                            backbone);
                });
    }

    /**
     * Checks and converts the inputs (tokenizing, decoding) off the event loop, so a bad request
     * fails before it costs a batch slot.
     */
    private Mono<List<ModelInput>> prepare(
            HostedBackbone backbone, InferRequest request, TaskSpec task, int maxInputs) {
        return Mono.fromCallable(() -> backbone.runtime().prepare(request, task, maxInputs))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(EngineProblems::translate);
    }

    private Mono<InferResponse> run(
            VfmDeployment deployment,
            HostedBackbone backbone,
            List<ModelInput> encoded,
            long deadlineNanos,
            Duration timeout) {
        VfmModel model =
                backbone.registry()
                        .acquire(deployment.vfmId())
                        .orElseThrow(() -> notLoaded(deployment.vfmId()));
        CompletableFuture<Completed<List<TaskOutput>>> future;
        try {
            future =
                    backbone.scheduler()
                            .submit(
                                    new InferencePayload(model, encoded).toWork(),
                                    deployment.weight(),
                                    deadlineNanos);
        } catch (AdmissionException e) {
            model.release();
            return Mono.error(EngineProblems.of(e));
        } catch (RuntimeException e) {
            model.release();
            throw e;
        }
        future.whenComplete((result, error) -> model.release());
        long remaining = Math.max(1, deadlineNanos - System.nanoTime());
        return Mono.fromFuture(future)
                .timeout(Duration.ofNanos(remaining))
                .map(
                        completed ->
                                new InferResponse(
                                        model.vfmId(),
                                        model.version(),
                                        completed.result(),
                                        new Timing(
                                                round(completed.queueMs()),
                                                round(completed.computeMs()),
                                                completed.batchRows(),
                                                completed.batchTasks())))
                .onErrorMap(error -> translate(error, deployment.vfmId(), timeout, backbone));
    }

    private Throwable translate(
            Throwable error, String vfmId, Duration timeout, HostedBackbone backbone) {
        Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        if (cause instanceof TimeoutException) {
            backbone.metrics().timedOut(vfmId);
            return new FmplexException(
                    ProblemType.DEADLINE_EXCEEDED,
                    null,
                    "vFM "
                            + vfmId
                            + " did not answer within "
                            + timeout.toMillis()
                            + " ms (timeoutMs)",
                    Map.of("timeoutMs", timeout.toMillis()),
                    cause);
        }
        return EngineProblems.translate(cause);
    }

    private Duration timeout(InferRequest request) {
        Integer asked = request.timeoutMs();
        if (asked == null) {
            return Duration.ofMillis(properties.defaultTimeoutMs());
        }
        if (asked < 1 || asked > WorkerProperties.MAX_TIMEOUT_MS) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "timeoutMs",
                    "timeoutMs must be in [1, "
                            + WorkerProperties.MAX_TIMEOUT_MS
                            + "], is "
                            + asked);
        }
        return Duration.ofMillis(asked);
    }

    private HostedBackbone backbone(VfmDeployment deployment) {
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

    private static FmplexException notLoaded(String vfmId) {
        return new FmplexException(
                ProblemType.VFM_NOT_LOADED, null, "vFM " + vfmId + " is not loaded on this worker");
    }

    private int inputLimit(VfmDeployment deployment) {
        Integer quota = deployment.quota().maxInputsPerRequest();
        return quota == null
                ? properties.maxInputsPerRequest()
                : Math.min(quota, properties.maxInputsPerRequest());
    }

    private static MissingValues orReject(MissingValues policy) {
        return policy == null ? MissingValues.REJECT : policy;
    }

    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
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
