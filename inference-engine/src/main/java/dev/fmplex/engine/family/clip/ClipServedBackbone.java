package dev.fmplex.engine.family.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.LoadedBackbone;
import dev.fmplex.engine.execution.MicroBatches;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.image.ImageInputs;
import dev.fmplex.engine.image.ImagePreprocessor;
import dev.fmplex.engine.input.InvalidInputException;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.input.RequestInputs;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.engine.text.TextTokenizer;
import dev.fmplex.model.api.ImageSizePolicy;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.task.TaskRules;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.task.ZeroShotClassificationTask;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One loaded CLIP backbone: both towers' weights (read-only, shared by every vFM), its tokenizer,
 * image preprocessing and encoder. A request may mix texts (strings) and images (objects, as on
 * ViT): each goes through its own tower into the shared embedding space. Memory is tiered as in
 * {@link LoadedBackbone}; on the ONNX Runtime path the sessions hold the weights and the DJL copy
 * is released.
 *
 * <p>Its importer builds zero-shot heads at load: the task's label prompts run once through the
 * text tower with the version's own adapter ({@link VfmImporter.PromptEncoder}).
 */
public final class ClipServedBackbone extends LoadedBackbone<ClipConfig>
        implements VfmImporter.PromptEncoder {

    private final TextTokenizer tokenizer;

    /** Native bytes each tower's ONNX Runtime LoRA stacks of recent adapter sets may take. */
    static final long LORA_STACK_BUDGET_BYTES = 64L << 20;

    private final ImageInputs images;
    private final ClipForward forward;
    private final OrtClipEncoder onnx;
    private final float logitScale;
    private final ClipBatchExecutor executor;
    private final VfmImporter importer;

    private ClipServedBackbone(
            BackboneDescriptor descriptor,
            BackboneParameters<ClipConfig> weights,
            TextTokenizer tokenizer,
            ImagePreprocessor preprocessor,
            NDManager root,
            OrtClipEncoder onnx) {
        super(descriptor, weights, root);
        this.tokenizer = tokenizer;
        this.onnx = onnx;
        ClipConfig.Vision vision = weights.config().vision();
        this.images =
                new ImageInputs(
                        descriptor.name(),
                        preprocessor,
                        vision.channels(),
                        vision.sequenceLength());
        ClipEncoder encoder = new ClipEncoder(weights);
        // Read now: on the ONNX Runtime path the DJL weights are released after assembly.
        try (NDManager scratch = root.newSubManager()) {
            this.logitScale = encoder.logitScale(scratch);
        }
        this.forward = onnx != null ? onnx : ClipForward.eager(encoder);
        this.executor = new ClipBatchExecutor(weights.config(), forward, root);
        this.importer = new VfmImporter(ClipLoraSurface.of(weights.config()), this);
    }

    /**
     * Assembles a served backbone.
     *
     * @param weightsManager the sub-manager of {@code root} that holds {@code weights}; capped here
     * @param tokenizer owned by the served backbone from now on, closed here if assembly fails
     * @param root the backbone's root manager; owned by the served backbone from now on
     * @param execution the path batches run on; {@link ExecutionPath#ONNX_RUNTIME} builds the
     *     towers' graphs over {@code weights} once, here, and releases the DJL copy of the weights
     * @param intraOpThreads threads one ONNX Runtime pass may use
     */
    public static ClipServedBackbone create(
            String name,
            BackboneParameters<ClipConfig> weights,
            TextTokenizer tokenizer,
            ImagePreprocessor preprocessor,
            NDManager weightsManager,
            NDManager root,
            ExecutionPath execution,
            int intraOpThreads) {
        try {
            weightsManager.cap();
            ClipConfig config = weights.config();
            BackboneDescriptor descriptor =
                    new BackboneDescriptor(
                            name,
                            "clip",
                            TaskRules.IMAGE_TEXT,
                            config.projectionDim(),
                            config.vision().layers(),
                            weights.byteSize(),
                            tokenizer.maxTokens(),
                            Map.of(
                                    "imageSize", config.vision().imageSize(),
                                    "channels", config.vision().channels()));
            OrtClipEncoder onnx =
                    execution == ExecutionPath.ONNX_RUNTIME
                            ? new OrtClipEncoder(weights, intraOpThreads, LORA_STACK_BUDGET_BYTES)
                            : null;
            ClipServedBackbone backbone =
                    new ClipServedBackbone(
                            descriptor, weights, tokenizer, preprocessor, root, onnx);
            if (onnx != null) {
                // ONNX Runtime holds the weights now; a second copy would only cost memory.
                backbone.releaseWeights(weightsManager, "ONNX Runtime holds them");
            }
            return backbone;
        } catch (RuntimeException e) {
            // The tokenizer is ours from the call on; the caller frees the root's memory.
            tokenizer.close();
            throw e;
        }
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public VfmImporter importer() {
        return importer;
    }

    /**
     * Strings become token ids for the text tower, objects images for the vision tower; a zero-shot
     * vFM classifies images only.
     */
    @Override
    public List<ModelInput> prepare(InferRequest request, TaskSpec task, int maxInputs) {
        List<Object> inputs = request.inputs();
        RequestInputs.requireCount(
                inputs, maxInputs, "a list of strings (text) or {\"image\": base64} objects");
        ImageSizePolicy policy = request.imageSizePolicy();
        boolean zeroShot = task instanceof ZeroShotClassificationTask;
        List<ModelInput> prepared = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            String field = "inputs[" + i + "]";
            Object value = inputs.get(i);
            if (!(value instanceof String text)) {
                prepared.add(images.one(field, value, policy));
                continue;
            }
            if (zeroShot) {
                throw textToZeroShot(field);
            }
            EncodedText encoded = tokenizer.encode(text);
            if (encoded.truncated() && !request.truncateOrDefault()) {
                throw new InvalidInputException(
                        InvalidInputException.Reason.INPUT_TOO_LONG,
                        field,
                        field
                                + " is "
                                + encoded.inputTokens()
                                + " tokens; the limit is "
                                + tokenizer.maxTokens()
                                + " (send \"truncate\": true to cut it instead)",
                        Map.of("limit", tokenizer.maxTokens(), "actual", encoded.inputTokens()),
                        null);
            }
            prepared.add(encoded);
        }
        return prepared;
    }

    /** A zero-shot vFM of a fan-out takes only the images among the prepared inputs. */
    @Override
    public void requireServable(List<ModelInput> inputs, TaskSpec task) {
        if (task instanceof ZeroShotClassificationTask) {
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i) instanceof EncodedText) {
                    throw textToZeroShot("inputs[" + i + "]");
                }
            }
        }
    }

    private static InvalidInputException textToZeroShot(String field) {
        return new InvalidInputException(
                InvalidInputException.Reason.WRONG_MODALITY,
                field,
                field
                        + " is a string (text); a zero-shot vFM classifies images: send"
                        + " {\"image\": \"<base64 PNG or JPEG>\"}");
    }

    @Override
    public BatchResult execute(List<BatchRow> rows) {
        return executor.execute(rows);
    }

    @Override
    public int passOverheadUnits() {
        ClipConfig.Vision vision = config().vision();
        return MicroBatches.passOverheadUnits(vision.hiddenSize(), vision.intermediateSize());
    }

    /** Prompts through the text tower with {@code adapter}, unit-normalized; one pass. */
    @Override
    public float[][] embed(List<String> prompts, List<LoraModule> adapter) {
        List<long[]> ids = tokenizer.encodeAll(prompts).stream().map(EncodedText::ids).toList();
        try (NDManager batch = root().newSubManager()) {
            NDArray embeds =
                    forward.textEmbeds(batch, ids, Collections.nCopies(ids.size(), adapter));
            NDArray normalized = embeds.div(embeds.square().sum(new int[] {1}, true).sqrt());
            float[] flat = normalized.toFloatArray();
            int width = config().projectionDim();
            float[][] out = new float[prompts.size()][width];
            for (int i = 0; i < out.length; i++) {
                System.arraycopy(flat, i * width, out[i], 0, width);
            }
            return out;
        }
    }

    @Override
    public float logitScale() {
        return logitScale;
    }

    @Override
    public void close() {
        tokenizer.close();
        if (onnx != null) {
            onnx.close();
        }
        super.close();
    }
}
