package dev.fmplex.engine.family.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.ort.LoraStacks;
import dev.fmplex.engine.ort.OrtSessions;
import dev.fmplex.engine.ort.RowLora;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The BERT forward on ONNX Runtime ({@link BertOnnxGraph}): the same inputs and per-row extensions
 * as {@link BertEncoder#forward}, the same hidden states out, as DJL arrays in the batch's manager
 * so pooling and heads run unchanged.
 *
 * <p>A pass no row of which changes the backbone runs the plain graph. Otherwise each pass gives
 * every row a LoRA slot (0 for rows without an adapter) and, for every projection, the stacks of
 * the pass's adapters at that projection, zero where an adapter does not adapt it; ranks are
 * zero-padded to the largest, which adds exact zeros. The stacks of recent adapter sets are cached
 * ({@link RowLora}). Token-wise work runs on the pass's real tokens only (see {@link
 * BertOnnxGraph}).
 */
final class OrtBertEncoder implements BertForward, AutoCloseable {

    private final BertConfig config;
    private final OrtSession plain;
    private final OrtSession extended;
    private final OrtEnvironment environment = OrtSessions.environment();
    private final RowLora lora;
    private final Map<String, OnnxTensor> noPrompts;

    /**
     * @param stackBudgetBytes native bytes the cached LoRA stacks of recent adapter sets may take
     */
    OrtBertEncoder(
            BackboneParameters<BertConfig> weights, int intraOpThreads, long stackBudgetBytes) {
        this.config = weights.config();
        this.lora =
                new RowLora(config.layers(), BertParameterNames.sites(config), stackBudgetBytes);
        this.noPrompts = noPrompts(config.hiddenSize());
        List<OrtSession> sessions =
                OrtSessions.createSharing(
                        List.of(
                                BertOnnxGraph.build(weights, false),
                                BertOnnxGraph.build(weights, true)),
                        BertOnnxGraph.OPSET,
                        intraOpThreads);
        this.plain = sessions.get(0);
        this.extended = sessions.get(1);
    }

    /**
     * @param layers the hidden-state indices wanted (0 = embeddings); only these are computed
     * @param rowModules each row's LoRA modules, empty when it has none
     * @return hidden states by index, null where not asked for
     */
    @Override
    public NDArray[] forward(
            NDManager manager,
            EncoderInputs inputs,
            Set<Integer> layers,
            List<? extends List<LoraModule>> rowModules) {
        int rows = (int) inputs.ids().getShape().get(0);
        int length = (int) inputs.ids().getShape().get(1);
        int h = config.hiddenSize();
        Map<String, OnnxTensor> feeds = new HashMap<>();
        LoraStacks stacks = null;
        try {
            long[] tokens = new long[] {rows, length};
            feeds.put(BertOnnxGraph.INPUT_IDS, longs(inputs.ids().toLongArray(), tokens));
            feeds.put(BertOnnxGraph.TOKEN_TYPE_IDS, longs(inputs.typeIds().toLongArray(), tokens));
            long[] positions = new long[rows * length];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = i % length;
            }
            feeds.put(BertOnnxGraph.POSITION_IDS, longs(positions, tokens));
            long[] mask = inputs.attentionMask().toLongArray();
            int[] keyMask = new int[mask.length];
            for (int i = 0; i < mask.length; i++) {
                keyMask[i] = (int) mask[i];
            }
            feeds.put(
                    BertOnnxGraph.KEY_MASK,
                    OnnxTensor.createTensor(environment, IntBuffer.wrap(keyMask), tokens));
            putTokenIndices(feeds, mask, rows, length);
            boolean extensions =
                    inputs.prompts() != null || rowModules.stream().anyMatch(m -> !m.isEmpty());
            Map<String, OnnxTensor> run = feeds;
            if (extensions) {
                stacks = lora.feed(feeds, rowModules);
                run = new HashMap<>(feeds);
                run.putAll(stacks.tensors());
                if (inputs.prompts() != null) {
                    putPrompts(run, feeds, inputs, rows, length, h);
                } else {
                    run.putAll(noPrompts);
                }
            }
            OrtSession session = extensions ? extended : plain;

            Set<String> wanted = new LinkedHashSet<>();
            for (int layer : layers) {
                wanted.add(BertOnnxGraph.hidden(layer));
            }
            NDArray[] hidden = new NDArray[config.layers() + 1];
            try (OrtSession.Result result = session.run(run, wanted)) {
                for (int layer : layers) {
                    OnnxTensor state =
                            (OnnxTensor) result.get(BertOnnxGraph.hidden(layer)).orElseThrow();
                    hidden[layer] =
                            manager.create(state.getFloatBuffer(), new Shape(rows, length, h));
                }
            }
            return hidden;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime pass failed: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
            if (stacks != null) {
                stacks.release();
            }
        }
    }

    /**
     * The real tokens' positions in the flattened {@code [rows, length]} layout, and for every
     * position the token it holds (token 0 for padding, masked out of attention and dropped).
     */
    private void putTokenIndices(Map<String, OnnxTensor> feeds, long[] mask, int rows, int length)
            throws OrtException {
        int count = 0;
        for (long bit : mask) {
            count += (int) bit;
        }
        long[] tokenIndex = new long[count];
        long[] padIndex = new long[mask.length];
        int token = 0;
        for (int position = 0; position < mask.length; position++) {
            if (mask[position] == 1) {
                tokenIndex[token] = position;
                padIndex[position] = token++;
            }
        }
        feeds.put(BertOnnxGraph.TOKEN_INDEX, longs(tokenIndex, new long[] {count}));
        feeds.put(BertOnnxGraph.PAD_INDEX, longs(padIndex, new long[] {rows, length}));
    }

    /** The rows' soft prompts, into {@code run}; the tensors are also owned by {@code owned}. */
    private void putPrompts(
            Map<String, OnnxTensor> run,
            Map<String, OnnxTensor> owned,
            EncoderInputs inputs,
            int rows,
            int length,
            int h)
            throws OrtException {
        boolean[] slots = inputs.prompts().slots().toBooleanArray();
        float[] embeds = inputs.prompts().table().get(inputs.prompts().index()).toFloatArray();
        OnnxTensor slotTensor = bools(slots, rows, length, 1);
        OnnxTensor embedTensor = floats(embeds, rows, length, h);
        owned.put(BertOnnxGraph.PROMPT_SLOTS, slotTensor);
        owned.put(BertOnnxGraph.PROMPT_EMBEDS, embedTensor);
        run.put(BertOnnxGraph.PROMPT_SLOTS, slotTensor);
        run.put(BertOnnxGraph.PROMPT_EMBEDS, embedTensor);
    }

    /**
     * Prompt inputs for passes without prompts, made once: {@code [1, 1, 1]} false and {@code [1,
     * 1, hidden]} zeros, which the graph broadcasts.
     */
    private Map<String, OnnxTensor> noPrompts(int h) {
        try {
            return Map.of(
                    BertOnnxGraph.PROMPT_SLOTS,
                    bools(new boolean[1], 1, 1, 1),
                    BertOnnxGraph.PROMPT_EMBEDS,
                    floats(new float[h], 1, 1, h));
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private OnnxTensor bools(boolean[] values, long... shape) throws OrtException {
        ByteBuffer packed = ByteBuffer.allocateDirect(values.length);
        for (boolean value : values) {
            packed.put((byte) (value ? 1 : 0));
        }
        packed.rewind();
        return OnnxTensor.createTensor(
                environment, packed, shape, ai.onnxruntime.OnnxJavaType.BOOL);
    }

    private OnnxTensor longs(long[] values, long[] shape) throws OrtException {
        return OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape);
    }

    private OnnxTensor floats(float[] values, long... shape) throws OrtException {
        return OnnxTensor.createTensor(environment, FloatBuffer.wrap(values), shape);
    }

    @Override
    public void close() {
        lora.close();
        noPrompts.values().forEach(OnnxTensor::close);
        try {
            plain.close();
            extended.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
