package dev.fmplex.worker.inference;

import dev.fmplex.engine.execution.InferencePayload;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.scheduler.AdmissionException;
import dev.fmplex.engine.scheduler.Completed;
import dev.fmplex.engine.scheduler.FairScheduler;
import dev.fmplex.model.api.FanOutResponse;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.api.Timing;
import dev.fmplex.model.api.Usage;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.worker.inference.BackboneHost.HostedBackbone;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs requests of the vFMs in {@link VfmDeployments} through their backbone's fair scheduler.
 *
 * <p>A request its vFM's queue would refuse (full, paused) is refused before anything else is done
 * with it. Otherwise it is checked and converted (tokenized, decoded) before it is queued (off the
 * event loop), so a bad request costs no batch slot. It then holds a reference to the vFM's serving
 * version until its batch finished, so it completes on the version it started on even if a new one
 * is installed meanwhile. Its deadline is enforced twice: the scheduler drops it if it is still
 * queued, and the reply fails with 504 when it passes; a client that goes away cancels it out of
 * the queue.
 */
public final class VfmInferenceService {

    private static final Logger log = LoggerFactory.getLogger(VfmInferenceService.class);

    private final VfmDeployments deployments;
    private final WorkerProperties properties;

    public VfmInferenceService(VfmDeployments deployments, WorkerProperties properties) {
        this.deployments = deployments;
        this.properties = properties;
    }

    public Mono<InferResponse> infer(VfmDeployment deployment, InferRequest request) {
        return Mono.defer(
                () -> {
                    HostedBackbone backbone = deployments.backbone(deployment);
                    FairScheduler<?, ?>.Reservation place;
                    try {
                        place = backbone.scheduler().reserve(deployment.vfmId());
                    } catch (AdmissionException e) {
                        return Mono.error(EngineProblems.of(e));
                    }
                    Duration timeout = timeout(request);
                    long deadline = System.nanoTime() + timeout.toNanos();
                    return withinDeadline(
                            prepare(backbone, request, deployment.task(), inputLimit(deployment))
                                    .doFinally(signal -> place.release())
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
                    FanOutRules.check(targets);
                    int limit = targets.stream().mapToInt(this::inputLimit).min().orElseThrow();
                    HostedBackbone backbone = deployments.backbone(targets.get(0));
                    Duration timeout = timeout(request);
                    long deadline = System.nanoTime() + timeout.toNanos();
                    return withinDeadline(
                            prepare(backbone, request, targets.get(0).task(), limit)
                                    .doOnNext(
                                            inputs ->
                                                    targets.forEach(
                                                            target ->
                                                                    backbone.served()
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
        return Mono.fromCallable(() -> backbone.served().prepare(request, task, maxInputs))
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
                        .orElseThrow(() -> VfmDeployments.notLoaded(deployment.vfmId()));
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
        long units = encoded.stream().mapToLong(ModelInput::units).sum();
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
                                                completed.batchTasks()),
                                        new Usage(units)))
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

    private int inputLimit(VfmDeployment deployment) {
        Integer quota = deployment.quota().maxInputsPerRequest();
        return quota == null
                ? properties.maxInputsPerRequest()
                : Math.min(quota, properties.maxInputsPerRequest());
    }

    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }
}
