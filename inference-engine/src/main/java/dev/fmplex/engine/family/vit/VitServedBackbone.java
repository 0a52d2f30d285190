package dev.fmplex.engine.family.vit;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.LoadedBackbone;
import dev.fmplex.engine.execution.MicroBatches;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.image.ImageInputs;
import dev.fmplex.engine.image.ImagePreprocessor;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.task.TaskSpec;
import java.util.List;
import java.util.Map;

/**
 * One loaded ViT backbone: its weights (read-only, shared by every vFM), its image preprocessing
 * and encoder. Memory is tiered as in {@link LoadedBackbone}: capped weights, one sub-manager per
 * batch. On the ONNX Runtime path the sessions hold the weights and the DJL copy is released.
 *
 * <p>An image's unit of work is its patches plus the class token ({@link
 * VitConfig#sequenceLength()}), so the scheduler's batch budget, set in tokens for text, caps
 * patches here: at the default 2,048, a ViT-B/16 at 224 pixels runs 10 images per pass.
 */
public final class VitServedBackbone extends LoadedBackbone<VitConfig> {

    /** Native bytes the ONNX Runtime path may keep for recent adapter sets' LoRA stacks. */
    static final long LORA_STACK_BUDGET_BYTES = 64L << 20;

    private final ImageInputs inputs;
    private final VitBatchExecutor executor;
    private final VfmImporter importer;
    private final OrtVitEncoder onnx;

    private VitServedBackbone(
            BackboneDescriptor descriptor,
            BackboneParameters<VitConfig> weights,
            ImagePreprocessor preprocessor,
            NDManager root,
            OrtVitEncoder onnx) {
        super(descriptor, weights, root);
        this.onnx = onnx;
        VitConfig config = weights.config();
        this.inputs =
                new ImageInputs(
                        descriptor.name(),
                        preprocessor,
                        config.channels(),
                        config.sequenceLength());
        this.executor =
                new VitBatchExecutor(
                        config,
                        onnx != null ? onnx : VitForward.eager(new VitEncoder(weights)),
                        root);
        this.importer = new VfmImporter(VitLoraSurface.of(config));
    }

    /**
     * Assembles a served backbone.
     *
     * @param weightsManager the sub-manager of {@code root} that holds {@code weights}; capped here
     * @param root the backbone's root manager; owned by the served backbone from now on
     * @param execution the path batches run on; {@link ExecutionPath#ONNX_RUNTIME} builds the graph
     *     over {@code weights} once, here, and releases the DJL copy of the weights
     * @param intraOpThreads threads one ONNX Runtime pass may use
     */
    public static VitServedBackbone create(
            String name,
            BackboneParameters<VitConfig> weights,
            ImagePreprocessor preprocessor,
            NDManager weightsManager,
            NDManager root,
            ExecutionPath execution,
            int intraOpThreads) {
        weightsManager.cap();
        VitConfig config = weights.config();
        BackboneDescriptor descriptor =
                new BackboneDescriptor(
                        name,
                        "vit",
                        "image",
                        config.hiddenSize(),
                        config.layers(),
                        weights.byteSize(),
                        config.sequenceLength(),
                        Map.of("imageSize", config.imageSize(), "channels", config.channels()));
        OrtVitEncoder onnx =
                execution == ExecutionPath.ONNX_RUNTIME
                        ? new OrtVitEncoder(weights, intraOpThreads, LORA_STACK_BUDGET_BYTES)
                        : null;
        VitServedBackbone backbone =
                new VitServedBackbone(descriptor, weights, preprocessor, root, onnx);
        if (onnx != null) {
            // ONNX Runtime holds the weights now; a second copy would only cost memory.
            backbone.releaseWeights(weightsManager, "ONNX Runtime holds them");
        }
        return backbone;
    }

    @Override
    public VfmImporter importer() {
        return importer;
    }

    /** Decodes and preprocesses a request's images (or checks its pixel tensors). */
    @Override
    public List<ModelInput> prepare(InferRequest request, TaskSpec task, int maxInputs) {
        return List.copyOf(inputs.require(request.inputs(), maxInputs, request.imageSizePolicy()));
    }

    @Override
    public BatchResult execute(List<BatchRow> rows) {
        return executor.execute(rows);
    }

    @Override
    public int passOverheadUnits() {
        return MicroBatches.passOverheadUnits(config().hiddenSize(), config().intermediateSize());
    }

    @Override
    public void close() {
        if (onnx != null) {
            onnx.close();
        }
        super.close();
    }
}
