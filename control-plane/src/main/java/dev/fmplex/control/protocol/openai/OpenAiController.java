package dev.fmplex.control.protocol.openai;

import dev.fmplex.control.protocol.ModelDirectory;
import dev.fmplex.control.protocol.ProtocolInference;
import dev.fmplex.control.protocol.ProtocolInference.Served;
import dev.fmplex.control.security.Caller;
import dev.fmplex.model.api.ClassificationOutput;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * OpenAI's embeddings and models endpoints and vLLM's classify endpoint over vFMs: a request
 * becomes one native infer request, its outputs the protocol's reply.
 */
@Tag(name = "openai", description = "OpenAI-compatible embeddings and models; vLLM's classify")
@RestController
class OpenAiController {

    private static final String FLOAT = "float";
    private static final String BASE64 = "base64";

    private final ProtocolInference inference;
    private final ModelDirectory models;

    OpenAiController(ProtocolInference inference, ModelDirectory models) {
        this.inference = inference;
        this.models = models;
    }

    @Operation(
            operationId = "openAiEmbeddings",
            summary = "Embed texts through an embedding vFM (OpenAI's embeddings API)")
    @PostMapping("/v1/embeddings")
    Mono<EmbeddingsResponse> embeddings(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @RequestBody EmbeddingsRequest body) {
        String format = body.encodingFormat() == null ? FLOAT : body.encodingFormat();
        if (!format.equals(FLOAT) && !format.equals(BASE64)) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "encoding_format",
                    "encoding_format must be \"float\" or \"base64\", is \"" + format + "\"");
        }
        if (body.dimensions() != null && body.dimensions() < 1) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "dimensions",
                    "dimensions must be >= 1, is " + body.dimensions());
        }
        OpenAiInputs inputs = OpenAiInputs.of(body.input());
        return inference
                .infer(
                        caller,
                        new ProtocolInference.Call(
                                body.model(),
                                "model",
                                Set.of(EmbeddingTask.KIND),
                                "/v1/embeddings",
                                vfm -> new InferRequest(inputs.inputs(), body.truncate()),
                                inputs.renaming()))
                .map(served -> embeddingsReply(served, format, body.dimensions()));
    }

    private static EmbeddingsResponse embeddingsReply(
            Served served, String format, Integer dimensions) {
        List<TaskOutput> outputs = served.response().outputs();
        List<EmbeddingsResponse.Embedding> data = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            float[] vector = ((EmbeddingOutput) outputs.get(i)).embedding();
            if (dimensions != null && dimensions != vector.length) {
                throw new FmplexException(
                        ProblemType.INVALID_REQUEST,
                        "dimensions",
                        "model '"
                                + served.name()
                                + "' makes "
                                + vector.length
                                + "-dimensional embeddings and cannot shorten them: send"
                                + " dimensions "
                                + vector.length
                                + " or leave it out (asked for "
                                + dimensions
                                + ")");
            }
            data.add(
                    new EmbeddingsResponse.Embedding(
                            "embedding", i, format.equals(BASE64) ? base64(vector) : vector));
        }
        return new EmbeddingsResponse(
                "list",
                data,
                served.name(),
                OpenAiUsage.of(served.response().usage().inputUnits()));
    }

    /** The vector's float32 values, little-endian, in base64: what OpenAI's SDKs decode. */
    static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES);
        bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    @Operation(operationId = "openAiModels", summary = "The vFMs this key can call, as models")
    @GetMapping("/v1/models")
    Mono<ModelList> models(@AuthenticationPrincipal @Parameter(hidden = true) Caller caller) {
        return Blocking.call(
                () ->
                        new ModelList(
                                "list",
                                models.visible(caller).stream()
                                        .map(vfm -> card(caller, vfm))
                                        .toList()));
    }

    @Operation(operationId = "openAiModel", summary = "One vFM as a model")
    @GetMapping("/v1/models/{model}")
    Mono<ModelList.Model> model(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable String model) {
        return Blocking.call(() -> card(caller, models.resolve(caller, model, "model")));
    }

    private ModelList.Model card(Caller caller, VfmView vfm) {
        return new ModelList.Model(
                models.nameFor(caller, vfm),
                "model",
                vfm.createdAt().getEpochSecond(),
                vfm.tenant());
    }

    @Operation(
            operationId = "classify",
            summary = "Classify texts through a classification vFM (vLLM's classify API)")
    @PostMapping("/classify")
    Mono<ClassifyResponse> classify(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @RequestBody ClassifyRequest body) {
        OpenAiInputs inputs = OpenAiInputs.of(body.input());
        return inference
                .infer(
                        caller,
                        new ProtocolInference.Call(
                                body.model(),
                                "model",
                                Set.of(ClassificationTask.KIND),
                                "/classify",
                                vfm -> new InferRequest(inputs.inputs(), body.truncate()),
                                inputs.renaming()))
                .map(OpenAiController::classifyReply);
    }

    private static ClassifyResponse classifyReply(Served served) {
        List<String> labels = ((ClassificationTask) served.task()).labels();
        List<TaskOutput> outputs = served.response().outputs();
        List<ClassifyResponse.Classification> data = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            ClassificationOutput output = (ClassificationOutput) outputs.get(i);
            double[] probs = new double[labels.size()];
            for (int c = 0; c < probs.length; c++) {
                probs[c] = output.scores().get(labels.get(c));
            }
            data.add(new ClassifyResponse.Classification(i, output.label(), probs, labels.size()));
        }
        return new ClassifyResponse(
                "classify-" + UUID.randomUUID().toString().replace("-", ""),
                "list",
                Instant.now().getEpochSecond(),
                served.name(),
                data,
                OpenAiUsage.of(served.response().usage().inputUnits()));
    }
}
