package dev.fmplex.worker.inference;

import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.api.TextInputs;
import dev.fmplex.model.api.Timing;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.worker.inference.BackboneHost.HostedBackbone;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;

/**
 * Runs one infer request of a vFM: checks the inputs, queues the work on the backbone's executor
 * thread, and shapes the outputs.
 *
 * <p>Inputs are checked before anything is queued; token limits are checked on the executor thread
 * right after tokenization, so a bad request costs no forward pass and touches no other vFM's work.
 */
public final class VfmInferenceService {

    private final BackboneHost host;
    private final WorkerProperties properties;

    public VfmInferenceService(BackboneHost host, WorkerProperties properties) {
        this.host = host;
        this.properties = properties;
    }

    public Mono<InferResponse> infer(VfmDeployment deployment, InferRequest request) {
        return Mono.defer(
                () -> {
                    List<String> texts =
                            TextInputs.require(request.inputs(), inputLimit(deployment));
                    HostedBackbone backbone =
                            host.find(deployment.backbone())
                                    .orElseThrow(
                                            () ->
                                                    new FmplexException(
                                                            ProblemType.BACKBONE_UNAVAILABLE,
                                                            "backbone",
                                                            "backbone "
                                                                    + deployment.backbone()
                                                                    + " is not loaded on this worker"));
                    long admitted = System.nanoTime();
                    CompletableFuture<InferResponse> result =
                            CompletableFuture.supplyAsync(
                                    () ->
                                            run(
                                                    deployment,
                                                    backbone,
                                                    texts,
                                                    request.truncateOrDefault(),
                                                    admitted),
                                    backbone.executor());
                    return Mono.fromFuture(result, true);
                });
    }

    private int inputLimit(VfmDeployment deployment) {
        Integer quota = deployment.quota().maxInputsPerRequest();
        return quota == null
                ? properties.maxInputsPerRequest()
                : Math.min(quota, properties.maxInputsPerRequest());
    }

    private InferResponse run(
            VfmDeployment deployment,
            HostedBackbone backbone,
            List<String> texts,
            boolean truncate,
            long admitted) {
        long started = System.nanoTime();
        List<EncodedText> encoded = backbone.runtime().tokenizer().encodeAll(texts);
        if (!truncate) {
            rejectTooLong(encoded, backbone.runtime().tokenizer().maxTokens());
        }
        List<TaskOutput> outputs;
        if (deployment.task() instanceof EmbeddingTask embedding) {
            outputs = embeddings(backbone, encoded, embedding, properties.maxBatchTokens());
        } else {
            throw new FmplexException(
                    ProblemType.INVALID_TASK,
                    "task.kind",
                    "task kind " + deployment.task().kind() + " is not served by this worker");
        }
        long finished = System.nanoTime();
        Timing timing =
                new Timing(millis(started - admitted), millis(finished - started), texts.size(), 1);
        return new InferResponse(deployment.vfmId(), deployment.version(), outputs, timing);
    }

    private static List<TaskOutput> embeddings(
            HostedBackbone backbone,
            List<EncodedText> encoded,
            EmbeddingTask task,
            int maxBatchTokens) {
        List<float[]> vectors = backbone.runtime().embedAll(encoded, task, maxBatchTokens);
        List<TaskOutput> outputs = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            EncodedText text = encoded.get(i);
            outputs.add(EmbeddingOutput.of(vectors.get(i), text.inputTokens(), text.ids().length));
        }
        return outputs;
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
