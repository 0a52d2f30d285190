package dev.fmplex.engine.family.bert;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.LoadedBackbone;
import dev.fmplex.engine.execution.MicroBatches;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.input.InvalidInputException;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.nn.Pooler;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.engine.text.TextTokenizer;
import dev.fmplex.engine.text.TokenBatch;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.TaskSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One loaded text backbone: its weights (read-only, shared by every vFM), tokenizer and encoder.
 * Native memory is tiered as in {@link LoadedBackbone}. On the ONNX Runtime path the sessions hold
 * the weights and the DJL copy is released once they are built.
 */
public final class BertServedBackbone extends LoadedBackbone<BertConfig> {

    /**
     * Native bytes the ONNX Runtime path may keep for the LoRA stacks of recent adapter sets: 16
     * rank-8 adapters on query and value of MiniLM take about 7 MB, so several steady mixes stay
     * cached.
     */
    static final long LORA_STACK_BUDGET_BYTES = 64L << 20;

    private final TextTokenizer tokenizer;
    private final BertForward forward;
    private final BertBatchExecutor executor;
    private final OrtBertEncoder onnx;
    private final VfmImporter importer;
    private final TextInputs inputs;

    private BertServedBackbone(
            BackboneDescriptor descriptor,
            BackboneParameters<BertConfig> weights,
            TextTokenizer tokenizer,
            BertEncoder encoder,
            OrtBertEncoder onnx,
            NDManager root) {
        super(descriptor, weights, root);
        this.tokenizer = tokenizer;
        this.onnx = onnx;
        this.forward = onnx != null ? onnx : BertForward.eager(encoder);
        this.executor = new BertBatchExecutor(forward, root);
        this.importer =
                new VfmImporter(BertLoraSurface.of(weights.config(), tokenizer.maxTokens()));
        this.inputs =
                new TextInputs(
                        tokenizer, weights.config().vocabSize(), weights.config().typeVocabSize());
    }

    /**
     * Assembles a served backbone.
     *
     * @param weightsManager the sub-manager of {@code root} that holds {@code weights}; capped
     *     here, so any later attempt to attach an array to it fails loudly
     * @param tokenizer owned by the served backbone from now on, closed here if assembly fails
     * @param root the backbone's root manager; owned by the served backbone from now on
     * @param execution the path batches run on; {@link ExecutionPath#ONNX_RUNTIME} builds the graph
     *     over {@code weights} once, here
     * @param intraOpThreads threads one ONNX Runtime pass may use
     */
    public static BertServedBackbone create(
            String name,
            BackboneParameters<BertConfig> weights,
            TextTokenizer tokenizer,
            NDManager weightsManager,
            NDManager root,
            ExecutionPath execution,
            int intraOpThreads) {
        try {
            weightsManager.cap();
            BackboneDescriptor descriptor =
                    new BackboneDescriptor(
                            name,
                            "bert",
                            "text",
                            weights.config().hiddenSize(),
                            weights.config().layers(),
                            weights.byteSize(),
                            tokenizer.maxTokens());
            OrtBertEncoder onnx =
                    execution == ExecutionPath.ONNX_RUNTIME
                            ? new OrtBertEncoder(weights, intraOpThreads, LORA_STACK_BUDGET_BYTES)
                            : null;
            BertServedBackbone backbone =
                    new BertServedBackbone(
                            descriptor,
                            weights,
                            tokenizer,
                            onnx == null ? new BertEncoder(weights) : null,
                            onnx,
                            root);
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

    @Override
    public java.util.Optional<dev.fmplex.engine.training.LoraTraining> loraTraining() {
        return java.util.Optional.of(new BertLoraTraining(this));
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public Device device() {
        return root().getDevice();
    }

    @Override
    public VfmImporter importer() {
        return importer;
    }

    /**
     * Tokenizes a request's texts, sentence pairs and token ids (see {@link TextInputs}); an input
     * over the token limit is cut, or refused as {@code INPUT_TOO_LONG} when the request sets
     * {@code truncate: false}.
     */
    @Override
    public List<ModelInput> prepare(InferRequest request, TaskSpec task, int maxInputs) {
        List<EncodedText> encoded = inputs.require(request.inputs(), maxInputs, task);
        if (!request.truncateOrDefault()) {
            rejectTooLong(encoded, tokenizer.maxTokens());
        }
        return List.copyOf(encoded);
    }

    private static void rejectTooLong(List<EncodedText> encoded, int maxTokens) {
        for (int i = 0; i < encoded.size(); i++) {
            EncodedText text = encoded.get(i);
            if (text.truncated()) {
                throw new InvalidInputException(
                        InvalidInputException.Reason.INPUT_TOO_LONG,
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

    /** Runs rows of any vFMs of this backbone in one forward pass. */
    @Override
    public BatchResult execute(List<BatchRow> rows) {
        return executor.execute(rows);
    }

    @Override
    public int passOverheadUnits() {
        return MicroBatches.passOverheadUnits(config().hiddenSize(), config().intermediateSize());
    }

    /**
     * Embeds any number of rows in forward passes of at most {@code maxPaddedTokens} padded tokens
     * each (see {@link MicroBatches}); results are in row order.
     */
    public List<float[]> embedAll(List<EncodedText> rows, EmbeddingTask task, int maxPaddedTokens) {
        List<List<Integer>> passes = MicroBatches.plan(rows, maxPaddedTokens, passOverheadUnits());
        if (passes.size() == 1) {
            return embed(rows, task);
        }
        float[][] results = new float[rows.size()][];
        for (List<Integer> pass : passes) {
            List<float[]> vectors = embed(pass.stream().map(rows::get).toList(), task);
            for (int i = 0; i < pass.size(); i++) {
                results[pass.get(i)] = vectors.get(i);
            }
        }
        return List.of(results);
    }

    /** Embeds rows in one forward pass; results are in row order. */
    public List<float[]> embed(List<EncodedText> rows, EmbeddingTask task) {
        TokenBatch batch = TokenBatch.pad(rows);
        try (NDManager scope = root().newSubManager()) {
            Shape tokens = new Shape(batch.rows(), batch.length());
            NDArray mask = scope.create(batch.attentionMask(), tokens);
            EncoderInputs inputs =
                    new EncoderInputs(
                            scope.create(batch.ids(), tokens),
                            scope.create(batch.typeIds(), tokens),
                            mask,
                            null);
            int last = config().layers();
            NDArray hidden =
                    forward.forward(
                                    scope,
                                    inputs,
                                    Set.of(last),
                                    Collections.nCopies(batch.rows(), List.of()))[last];
            NDArray pooled = Pooler.pool(hidden, mask, task.pooling());
            if (task.normalize()) {
                pooled = Pooler.l2Normalize(pooled);
            }
            return splitRows(pooled.toFloatArray(), batch.rows());
        }
    }

    private static List<float[]> splitRows(float[] flat, int rows) {
        int width = flat.length / rows;
        List<float[]> result = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            float[] vector = new float[width];
            System.arraycopy(flat, row * width, vector, 0, width);
            result.add(vector);
        }
        return result;
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
