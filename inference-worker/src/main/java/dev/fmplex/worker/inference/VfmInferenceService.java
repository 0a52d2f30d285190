package dev.fmplex.worker.inference;

import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.MicroBatches;
import dev.fmplex.engine.execution.RowResult;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.peft.ArtifactException;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.api.TextInputs;
import dev.fmplex.model.api.Timing;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.worker.inference.BackboneHost.HostedBackbone;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Loads vFM versions and runs their requests.
 *
 * <p>A request is checked before anything is queued, then takes a reference to the vFM's serving
 * version (so it finishes on that version even if a new one is installed meanwhile), runs on the
 * backbone's executor thread in passes of at most {@code max-batch-tokens} padded tokens, and
 * releases the version. Token limits are checked right after tokenization, so a bad request costs
 * no forward pass and touches no other vFM's work.
 */
public final class VfmInferenceService {

    private static final Logger log = LoggerFactory.getLogger(VfmInferenceService.class);

    private final BackboneHost host;
    private final WorkerProperties properties;

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
                    backbone.importer()
                            .load(
                                    deployment.vfmId(),
                                    deployment.version(),
                                    deployment.task(),
                                    files,
                                    backbone.runtime().root());
        } catch (ArtifactException e) {
            throw new FmplexException(
                    ProblemType.INVALID_ARTIFACT,
                    e.file() == null ? "files" : "files[" + e.file() + "]",
                    e.getMessage(),
                    Map.of(),
                    e);
        }
        backbone.registry().install(model);
        log.info(
                "Serving vFM {} version {} ({}, {} bytes resident) on {}",
                deployment.vfmId(),
                deployment.version(),
                deployment.task().kind(),
                model.residentBytes(),
                deployment.backbone());
        return model.residentBytes();
    }

    /** Stops serving a vFM on every backbone; in-flight requests finish. */
    public void undeploy(String vfmId) {
        host.all().forEach(backbone -> backbone.registry().unload(vfmId));
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

    public Mono<InferResponse> infer(VfmDeployment deployment, InferRequest request) {
        return Mono.defer(
                () -> {
                    List<String> texts =
                            TextInputs.require(request.inputs(), inputLimit(deployment));
                    HostedBackbone backbone = backbone(deployment);
                    VfmModel model =
                            backbone.registry()
                                    .acquire(deployment.vfmId())
                                    .orElseThrow(
                                            () ->
                                                    new FmplexException(
                                                            ProblemType.VFM_NOT_LOADED,
                                                            null,
                                                            "vFM "
                                                                    + deployment.vfmId()
                                                                    + " is not loaded on this worker"));
                    long admitted = System.nanoTime();
                    CompletableFuture<InferResponse> result;
                    try {
                        result =
                                CompletableFuture.supplyAsync(
                                        () ->
                                                run(
                                                        model,
                                                        backbone,
                                                        texts,
                                                        request.truncateOrDefault(),
                                                        admitted),
                                        backbone.executor());
                    } catch (RuntimeException e) {
                        model.release();
                        throw e;
                    }
                    return Mono.fromFuture(result.whenComplete((r, e) -> model.release()), true);
                });
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

    private int inputLimit(VfmDeployment deployment) {
        Integer quota = deployment.quota().maxInputsPerRequest();
        return quota == null
                ? properties.maxInputsPerRequest()
                : Math.min(quota, properties.maxInputsPerRequest());
    }

    private InferResponse run(
            VfmModel model,
            HostedBackbone backbone,
            List<String> texts,
            boolean truncate,
            long admitted) {
        long started = System.nanoTime();
        List<EncodedText> encoded = backbone.runtime().tokenizer().encodeAll(texts);
        if (!truncate) {
            rejectTooLong(encoded, backbone.runtime().tokenizer().maxTokens());
        }
        TaskOutput[] outputs = new TaskOutput[encoded.size()];
        int backboneRows = 0;
        for (List<Integer> pass : MicroBatches.plan(encoded, properties.maxBatchTokens())) {
            List<BatchRow> rows = new ArrayList<>(pass.size());
            for (int index : pass) {
                rows.add(new BatchRow(model, encoded.get(index)));
            }
            BatchResult result = backbone.runtime().execute(rows);
            backboneRows += result.backboneRows();
            for (int k = 0; k < pass.size(); k++) {
                RowResult row = result.results().get(k);
                if (row instanceof RowResult.Failure failure) {
                    throw new FmplexException(
                            ProblemType.VFM_FAILED,
                            null,
                            "vFM "
                                    + model.vfmId()
                                    + " version "
                                    + model.version()
                                    + " failed: "
                                    + failure.reason());
                }
                outputs[pass.get(k)] = ((RowResult.Success) row).output();
            }
        }
        long finished = System.nanoTime();
        Timing timing =
                new Timing(millis(started - admitted), millis(finished - started), backboneRows, 1);
        return new InferResponse(model.vfmId(), model.version(), Arrays.asList(outputs), timing);
    }

    private static void rejectTooLong(List<EncodedText> encoded, int maxTokens) {
        for (int i = 0; i < encoded.size(); i++) {
            EncodedText text = encoded.get(i);
            if (text.truncated()) {
                throw new FmplexException(
                        ProblemType.INPUT_TOO_LONG,
                        "inputs[" + i + "]",
                        "inputs["
                                + i
                                + "] is "
                                + text.inputTokens()
                                + " tokens; the limit is "
                                + maxTokens
                                + " (send \"truncate\": true to cut it instead)",
                        Map.of("limit", maxTokens, "actual", text.inputTokens()),
                        null);
            }
        }
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
