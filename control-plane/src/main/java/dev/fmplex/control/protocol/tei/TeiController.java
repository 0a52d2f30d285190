package dev.fmplex.control.protocol.tei;

import dev.fmplex.control.protocol.FieldRenaming;
import dev.fmplex.control.protocol.ModelDirectory;
import dev.fmplex.control.protocol.ProtocolInference;
import dev.fmplex.control.protocol.ProtocolInference.Served;
import dev.fmplex.control.security.Caller;
import dev.fmplex.model.api.ClassificationOutput;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.RegressionOutput;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * TEI's routes over text vFMs. Each is mapped twice: under {@code /tei/{model}} and bare, with the
 * vFM in the {@value #MODEL_HEADER} header.
 */
@Tag(name = "tei", description = "Hugging Face text-embeddings-inference routes")
@RestController
class TeiController {

    static final String MODEL_HEADER = "X-FMplex-Model";

    private static final String SINGLE_LABEL = "LABEL_0";

    private final ProtocolInference inference;
    private final ModelDirectory models;
    private final String version;

    TeiController(ProtocolInference inference, ModelDirectory models) {
        this.inference = inference;
        this.models = models;
        String implementation = TeiController.class.getPackage().getImplementationVersion();
        this.version = implementation == null ? "dev" : implementation;
    }

    @Operation(operationId = "teiEmbed", summary = "Embed texts (TEI's /embed)")
    @PostMapping({"/embed", "/tei/{model}/embed"})
    Mono<List<float[]>> embed(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable(required = false) String model,
            @RequestHeader(name = MODEL_HEADER, required = false) String header,
            @RequestBody TeiRequests.Embed body) {
        requireRightTruncation(body.truncationDirection());
        if (body.promptName() != null) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "prompt_name",
                    "prompt_name is not supported: FMplex vFMs carry no prompt templates");
        }
        boolean normalize = body.normalize() == null || body.normalize();
        Texts texts = Texts.of(body.inputs(), "inputs");
        return inference
                .infer(
                        caller,
                        call(
                                model,
                                header,
                                Set.of(EmbeddingTask.KIND),
                                "/embed",
                                vfm -> {
                                    if (!normalize && ((EmbeddingTask) vfm.task()).normalize()) {
                                        throw new FmplexException(
                                                ProblemType.INVALID_REQUEST,
                                                "normalize",
                                                "this vFM's task normalizes its embeddings;"
                                                        + " normalize: false cannot undo that");
                                    }
                                    return new InferRequest(
                                            texts.inputs(), Boolean.TRUE.equals(body.truncate()));
                                },
                                texts.renaming()))
                .map(served -> vectors(served, normalize));
    }

    private static List<float[]> vectors(Served served, boolean normalize) {
        boolean normalized = ((EmbeddingTask) served.task()).normalize();
        List<float[]> vectors = new ArrayList<>();
        for (TaskOutput output : served.response().outputs()) {
            float[] vector = ((EmbeddingOutput) output).embedding();
            vectors.add(normalize && !normalized ? l2Normalized(vector) : vector);
        }
        return vectors;
    }

    private static float[] l2Normalized(float[] vector) {
        double sum = 0;
        for (float value : vector) {
            sum += (double) value * value;
        }
        // The same floor as torch.nn.functional.normalize: a zero vector stays zero.
        double norm = Math.max(Math.sqrt(sum), 1e-12);
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }

    @Operation(
            operationId = "teiPredict",
            summary = "Classify texts or sentence pairs (TEI's /predict)")
    @PostMapping({"/predict", "/tei/{model}/predict"})
    Mono<Object> predict(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable(required = false) String model,
            @RequestHeader(name = MODEL_HEADER, required = false) String header,
            @RequestBody TeiRequests.Predict body) {
        requireRightTruncation(body.truncationDirection());
        boolean raw = Boolean.TRUE.equals(body.rawScores());
        PredictInputs inputs = PredictInputs.of(body.inputs());
        return inference
                .infer(
                        caller,
                        call(
                                model,
                                header,
                                Set.of(ClassificationTask.KIND, RegressionTask.KIND),
                                "/predict",
                                vfm -> {
                                    requireRawScoresAvailable(vfm.task(), raw);
                                    return new InferRequest(
                                            inputs.inputs(), Boolean.TRUE.equals(body.truncate()));
                                },
                                inputs.renaming()))
                .map(
                        served -> {
                            List<List<TeiReplies.Prediction>> predictions = new ArrayList<>();
                            for (TaskOutput output : served.response().outputs()) {
                                predictions.add(predictions(output, raw));
                            }
                            return inputs.single() ? predictions.get(0) : predictions;
                        });
    }

    private static List<TeiReplies.Prediction> predictions(TaskOutput output, boolean raw) {
        if (output instanceof RegressionOutput regression) {
            return List.of(new TeiReplies.Prediction(score(regression.value(), raw), SINGLE_LABEL));
        }
        ClassificationOutput classification = (ClassificationOutput) output;
        return classification.scores().entrySet().stream()
                .map(entry -> new TeiReplies.Prediction(entry.getValue(), entry.getKey()))
                .sorted(Comparator.comparingDouble(TeiReplies.Prediction::score).reversed())
                .toList();
    }

    @Operation(
            operationId = "teiRerank",
            summary = "Rank texts by relevance to a query (TEI's /rerank)")
    @PostMapping({"/rerank", "/tei/{model}/rerank"})
    Mono<List<TeiReplies.Rank>> rerank(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable(required = false) String model,
            @RequestHeader(name = MODEL_HEADER, required = false) String header,
            @RequestBody TeiRequests.Rerank body) {
        requireRightTruncation(body.truncationDirection());
        if (body.query() == null) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST, "query", "query is required: a string");
        }
        if (body.texts() == null || body.texts().isEmpty()) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "texts",
                    "texts is required: an array of at least 1 string");
        }
        List<Object> pairs = new ArrayList<>(body.texts().size());
        for (int i = 0; i < body.texts().size(); i++) {
            Object text = body.texts().get(i);
            if (!(text instanceof String)) {
                throw new FmplexException(
                        ProblemType.INVALID_REQUEST,
                        "texts[" + i + "]",
                        "texts[" + i + "] must be a string");
            }
            pairs.add(List.of(body.query(), text));
        }
        boolean raw = Boolean.TRUE.equals(body.rawScores());
        return inference
                .infer(
                        caller,
                        call(
                                model,
                                header,
                                Set.of(ClassificationTask.KIND, RegressionTask.KIND),
                                "/rerank",
                                vfm -> {
                                    requireRawScoresAvailable(vfm.task(), raw);
                                    return new InferRequest(
                                            pairs, Boolean.TRUE.equals(body.truncate()));
                                },
                                FieldRenaming.inputs(
                                        (i, token) -> i < 0 ? "texts" : "texts[" + i + "]")))
                .map(served -> ranks(served, body, raw));
    }

    private static List<TeiReplies.Rank> ranks(
            Served served, TeiRequests.Rerank body, boolean raw) {
        List<TaskOutput> outputs = served.response().outputs();
        List<TeiReplies.Rank> ranks = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            ranks.add(
                    new TeiReplies.Rank(
                            i,
                            relevance(outputs.get(i), served.task(), raw),
                            Boolean.TRUE.equals(body.returnText())
                                    ? (String) body.texts().get(i)
                                    : null));
        }
        ranks.sort(Comparator.comparingDouble(TeiReplies.Rank::score).reversed());
        return ranks;
    }

    /**
     * A pair's relevance: a regression head's value (through a sigmoid unless raw, as TEI scores a
     * single-output cross-encoder), or a classifier's probability of its last label (the positive
     * class of a binary cross-encoder).
     */
    static double relevance(TaskOutput output, TaskSpec task, boolean raw) {
        if (output instanceof RegressionOutput regression) {
            return score(regression.value(), raw);
        }
        List<String> labels = ((ClassificationTask) task).labels();
        return ((ClassificationOutput) output).scores().get(labels.get(labels.size() - 1));
    }

    private static double score(double value, boolean raw) {
        return raw ? value : 1 / (1 + Math.exp(-value));
    }

    @Operation(operationId = "teiInfo", summary = "What the vFM is (TEI's /info)")
    @GetMapping({"/info", "/tei/{model}/info"})
    Mono<TeiReplies.Info> info(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable(required = false) String model,
            @RequestHeader(name = MODEL_HEADER, required = false) String header) {
        String named = named(model, header);
        return Blocking.call(
                () -> {
                    VfmView vfm = models.resolve(caller, named, field(model));
                    return new TeiReplies.Info(
                            models.nameFor(caller, vfm),
                            null,
                            "float32",
                            modelType(vfm.task()),
                            models.backbone(vfm).maxInputTokens(),
                            vfm.quota() == null ? null : vfm.quota().maxInputsPerRequest(),
                            version);
                });
    }

    private static Map<String, Object> modelType(TaskSpec task) {
        if (task instanceof EmbeddingTask embedding) {
            return Map.of("embedding", Map.of("pooling", embedding.pooling().wireName()));
        }
        if (task instanceof ClassificationTask classification) {
            return Map.of("classifier", labelMaps(classification.labels()));
        }
        if (task instanceof RegressionTask) {
            return Map.of("reranker", labelMaps(List.of(SINGLE_LABEL)));
        }
        return Map.of(task.kind(), Map.of());
    }

    private static Map<String, Object> labelMaps(List<String> labels) {
        Map<String, String> id2label = new LinkedHashMap<>();
        Map<String, Integer> label2id = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
        return Map.of("id2label", id2label, "label2id", label2id);
    }

    private static ProtocolInference.Call call(
            String model,
            String header,
            Set<String> kinds,
            String route,
            java.util.function.Function<VfmView, InferRequest> request,
            java.util.function.UnaryOperator<String> renaming) {
        return new ProtocolInference.Call(
                named(model, header), field(model), kinds, route, request, renaming);
    }

    /** The vFM the path names, else the header; a 400 when neither does. */
    private static String named(String model, String header) {
        if (model != null) {
            return model;
        }
        if (header == null || header.isBlank()) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    MODEL_HEADER,
                    "name the vFM: send header "
                            + MODEL_HEADER
                            + ": <vFM name>, or call /tei/<vFM name>/... instead");
        }
        return header;
    }

    private static String field(String model) {
        return model != null ? "model" : MODEL_HEADER;
    }

    private static void requireRightTruncation(String direction) {
        if (direction != null && !direction.equalsIgnoreCase("right")) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "truncation_direction",
                    "truncation_direction must be Right (inputs keep their beginning), is "
                            + direction);
        }
    }

    private static void requireRawScoresAvailable(TaskSpec task, boolean raw) {
        if (raw && task instanceof ClassificationTask) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "raw_scores",
                    "raw_scores is available on regression vFMs only; a classification vFM"
                            + " answers probabilities");
        }
    }
}
