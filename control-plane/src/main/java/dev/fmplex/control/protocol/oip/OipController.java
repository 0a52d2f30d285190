package dev.fmplex.control.protocol.oip;

import dev.fmplex.control.protocol.ModelDirectory;
import dev.fmplex.control.protocol.ProtocolInference;
import dev.fmplex.control.protocol.oip.OipMessages.InferenceRequest;
import dev.fmplex.control.protocol.oip.OipMessages.InferenceResponse;
import dev.fmplex.control.protocol.oip.OipMessages.ModelMetadata;
import dev.fmplex.control.security.Caller;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.ForecastingTask;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.task.ZeroShotClassificationTask;
import dev.fmplex.model.vfm.VfmState;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The Open Inference Protocol v2 REST endpoints; a model is a vFM, its version the vFM's. */
@Tag(name = "open-inference-protocol", description = "Open Inference Protocol v2 (KServe v2)")
@RestController
class OipController {

    /**
     * Every task kind with fixed-shape outputs (see {@link TensorSignature}); token classification
     * answers one label per token, which no fixed-shape tensor holds.
     */
    private static final Set<String> TENSOR_KINDS =
            Set.of(
                    EmbeddingTask.KIND,
                    ClassificationTask.KIND,
                    ZeroShotClassificationTask.KIND,
                    RegressionTask.KIND,
                    ForecastingTask.KIND);

    private final ProtocolInference inference;
    private final ModelDirectory models;
    private final String version;

    OipController(ProtocolInference inference, ModelDirectory models) {
        this.inference = inference;
        this.models = models;
        String implementation = OipController.class.getPackage().getImplementationVersion();
        this.version = implementation == null ? "dev" : implementation;
    }

    @Operation(operationId = "oipLive", summary = "Whether the server is live")
    @GetMapping("/v2/health/live")
    OipMessages.Live live() {
        return new OipMessages.Live(true);
    }

    @Operation(operationId = "oipReady", summary = "Whether the server is ready for requests")
    @GetMapping("/v2/health/ready")
    OipMessages.Ready ready() {
        return new OipMessages.Ready(true);
    }

    @Operation(operationId = "oipServerMetadata", summary = "The server's name and version")
    @GetMapping("/v2")
    OipMessages.ServerMetadata server() {
        return new OipMessages.ServerMetadata("fmplex", version, List.of());
    }

    @Operation(operationId = "oipModelMetadata", summary = "A vFM's input and output tensors")
    @GetMapping("/v2/models/{model}")
    Mono<ModelMetadata> metadata(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable String model) {
        return Blocking.call(
                () -> {
                    VfmView vfm = models.resolve(caller, model, "model");
                    TensorSignature signature =
                            TensorSignature.of(models.backbone(vfm), vfm.task());
                    return new ModelMetadata(
                            models.nameFor(caller, vfm),
                            List.of(Integer.toString(vfm.version())),
                            "fmplex_" + vfm.backbone(),
                            signature.inputs(),
                            signature.outputs());
                });
    }

    /**
     * 200 when the vFM serves; otherwise the native status for a vFM that does not serve (409), a
     * 4xx, which is how the protocol says "not ready".
     */
    @Operation(operationId = "oipModelReady", summary = "Whether a vFM serves requests")
    @GetMapping("/v2/models/{model}/ready")
    Mono<OipMessages.ModelReady> modelReady(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable String model) {
        return Blocking.call(
                () -> {
                    VfmView vfm = models.resolve(caller, model, "model");
                    if (vfm.state() != VfmState.ACTIVE) {
                        throw new FmplexException(
                                ProblemType.VFM_NOT_SERVING,
                                null,
                                "model " + model + " is not ready: its vFM is " + vfm.state());
                    }
                    return new OipMessages.ModelReady(models.nameFor(caller, vfm), true);
                });
    }

    @Operation(operationId = "oipInfer", summary = "Run tensors through a vFM")
    @PostMapping("/v2/models/{model}/infer")
    Mono<InferenceResponse> infer(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable String model,
            @RequestBody InferenceRequest body) {
        Boolean truncate = truncate(body);
        // Found with the vFM (off the event loop), read again when the reply is encoded.
        AtomicReference<TensorSignature> signature = new AtomicReference<>();
        return inference
                .infer(
                        caller,
                        new ProtocolInference.Call(
                                model,
                                "model",
                                TENSOR_KINDS,
                                "/v2/models/{model}/infer",
                                vfm -> {
                                    signature.set(
                                            TensorSignature.of(models.backbone(vfm), vfm.task()));
                                    return new InferRequest(
                                            TensorCodec.decode(
                                                    body.inputs(), signature.get(), model),
                                            truncate);
                                },
                                TensorCodec.RENAMING))
                .map(
                        served ->
                                new InferenceResponse(
                                        served.name(),
                                        Integer.toString(served.response().version()),
                                        body.id(),
                                        TensorCodec.encode(
                                                served.response().outputs(),
                                                served.task(),
                                                signature.get(),
                                                body.outputs())));
    }

    private static Boolean truncate(InferenceRequest body) {
        Object truncate = body.parameters() == null ? null : body.parameters().get("truncate");
        if (truncate == null || truncate instanceof Boolean) {
            return (Boolean) truncate;
        }
        throw TensorCodec.invalid("parameters.truncate must be a boolean");
    }
}
