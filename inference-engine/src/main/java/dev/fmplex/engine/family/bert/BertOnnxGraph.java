package dev.fmplex.engine.family.bert;

import static dev.fmplex.engine.ort.OnnxGraphBuilder.BOOL;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.FLOAT;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.INT32;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.INT64;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.attributes;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import dev.fmplex.engine.ort.OnnxGraphBuilder;
import dev.fmplex.engine.ort.RowLora;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT encoder of {@link BertEncoder} as an ONNX graph over the same weights, with the inputs
 * per-row extensions need. Layers use ONNX Runtime's fused contrib kernels ({@code
 * MultiHeadAttention}, {@code SkipLayerNormalization}, {@code BiasGelu}; see {@link #layer}): its
 * optimizer fuses those patterns on an exported BERT, but not on a graph carrying LoRA branches, so
 * the graph names them itself.
 *
 * <p>Two variants are built. Without extensions it is the plain encoder. With them, every
 * projection of every layer carries a per-row LoRA branch ({@link RowLora}). Soft prompts enter as
 * {@code prompt_embeds [rows, length, hidden]} where {@code prompt_slots [rows, length, 1]} is true
 * (both {@code [1, 1, ...]} when the pass has none). The graph outputs {@code hidden.0}
 * (embeddings) to {@code hidden.L}, Hugging Face's {@code hidden_states}; ONNX Runtime computes
 * only the outputs a pass asks for.
 *
 * <p>Token-wise work runs <em>unpadded</em>: the embeddings are gathered down to the pass's real
 * tokens ({@code token_index [tokens]}, their positions in the flattened {@code [rows, length]}
 * layout), and projections, norms and the feed-forward run on {@code [tokens, width]}. Only
 * attention (and the per-row LoRA products, whose stacks are per row) runs padded: {@code pad_index
 * [rows, length]} gathers each position's token back, padding positions take token 0, whose keys
 * {@code key_mask [rows, length]} (int32, 1 for real tokens) removes and whose outputs are dropped
 * again. A batch of mixed lengths therefore pays for padding only inside attention. The published
 * hidden states are padded again, so pooling and heads see {@code [rows, length, hidden]} as on the
 * eager path.
 */
final class BertOnnxGraph {

    static final String INPUT_IDS = "input_ids";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String POSITION_IDS = "position_ids";
    static final String KEY_MASK = "key_mask";
    static final String PROMPT_SLOTS = "prompt_slots";
    static final String PROMPT_EMBEDS = "prompt_embeds";
    static final String TOKEN_INDEX = "token_index";
    static final String PAD_INDEX = "pad_index";

    /** Opset 17: LayerNormalization is a standard op there. */
    static final int OPSET = 17;

    private static final float MASKED_SCORE = -1e9f;

    private BertOnnxGraph() {}

    static String hidden(int index) {
        return "hidden." + index;
    }

    /**
     * The graph over {@code weights}, to be written by {@link OnnxGraphBuilder#writeModel} at
     * {@link #OPSET}.
     *
     * @param extensions whether the graph takes LoRA stacks and soft prompts; a graph without them
     *     serves passes no row of which changes the backbone, with fewer ops per pass
     */
    static OnnxGraphBuilder build(BackboneParameters<BertConfig> weights, boolean extensions) {
        BertConfig config = weights.config();
        OnnxGraphBuilder g = new OnnxGraphBuilder("fmplex-bert");
        long h = config.hiddenSize();
        g.input(INPUT_IDS, INT64, "rows", "length");
        g.input(TOKEN_TYPE_IDS, INT64, "rows", "length");
        g.input(POSITION_IDS, INT64, "rows", "length");
        g.input(KEY_MASK, INT32, "rows", "length");
        g.input(TOKEN_INDEX, INT64, "tokens");
        g.input(PAD_INDEX, INT64, "rows", "length");
        Tokens tokens = new Tokens(g);
        String words = lookup(g, weights, BertParameterNames.WORD_EMBEDDINGS, INPUT_IDS);
        if (extensions) {
            // [1, 1, ...] when no row has a prompt: Where broadcasts, and a pass without prompts
            // need not send a zero tensor of the pass's whole size.
            g.input(PROMPT_SLOTS, BOOL, "prompt_rows", "prompt_length", 1L);
            g.input(PROMPT_EMBEDS, FLOAT, "prompt_rows", "prompt_length", h);
            RowLora.declareSlot(g);
            words = g.node("Where", PROMPT_SLOTS, PROMPT_EMBEDS, words);
        }
        String sum =
                g.node(
                        "Add",
                        g.node(
                                "Add",
                                words,
                                lookup(
                                        g,
                                        weights,
                                        BertParameterNames.POSITION_EMBEDDINGS,
                                        POSITION_IDS)),
                        lookup(
                                g,
                                weights,
                                BertParameterNames.TOKEN_TYPE_EMBEDDINGS,
                                TOKEN_TYPE_IDS));
        String state =
                norm(g, weights, BertParameterNames.EMBEDDINGS_NORM, tokens.unpad(sum, h), config);
        publish(g, 0, state, h);
        for (int layer = 0; layer < config.layers(); layer++) {
            state = layer(g, tokens, weights, state, layer, extensions);
            publish(g, layer + 1, state, h);
        }
        return g;
    }

    /**
     * One encoder layer, as ONNX Runtime's fused kernels: one product for query, key and value,
     * {@code MultiHeadAttention} (scores, mask, softmax and context in one kernel), {@code
     * SkipLayerNormalization} for bias + residual + norm, and {@code BiasGelu}. That is 9 nodes a
     * layer where the same math written op by op takes 27, and on a short pass per-node overhead,
     * not arithmetic, is most of the time.
     */
    private static String layer(
            OnnxGraphBuilder g,
            Tokens tokens,
            BackboneParameters<BertConfig> weights,
            String input,
            int layer,
            boolean extensions) {
        BertConfig config = weights.config();
        long h = config.hiddenSize();
        String queryKeyValue = g.node("MatMul", input, fusedAttentionInput(g, weights, layer));
        List<String> split =
                g.node("", "Split", List.of(tokens.pad(queryKeyValue)), 3, attributes("axis", -1L));
        String query = split.get(0);
        String key = split.get(1);
        String value = split.get(2);
        if (extensions) {
            query =
                    g.node(
                            "Add",
                            query,
                            paddedLoraUpdate(g, tokens, weights, input, layer, Projection.QUERY));
            key =
                    g.node(
                            "Add",
                            key,
                            paddedLoraUpdate(g, tokens, weights, input, layer, Projection.KEY));
            value =
                    g.node(
                            "Add",
                            value,
                            paddedLoraUpdate(g, tokens, weights, input, layer, Projection.VALUE));
        }
        String attentionBias =
                g.initializer(
                        "layer." + layer + ".attention.qkv.bias",
                        () ->
                                concat(
                                        bias(weights, layer, Projection.QUERY),
                                        bias(weights, layer, Projection.KEY),
                                        bias(weights, layer, Projection.VALUE)),
                        3 * h);
        String context =
                g.node(
                                OnnxGraphBuilder.MICROSOFT,
                                "MultiHeadAttention",
                                List.of(query, key, value, attentionBias, KEY_MASK),
                                1,
                                attributes(
                                        "num_heads",
                                        (long) config.attentionHeads(),
                                        "mask_filter_value",
                                        MASKED_SCORE))
                        .get(0);
        String attended =
                skipNorm(
                        g,
                        weights,
                        BertParameterNames.attentionNorm(layer),
                        product(
                                g,
                                tokens,
                                weights,
                                tokens.unpad(context, h),
                                layer,
                                Projection.ATTENTION_OUTPUT,
                                extensions),
                        input,
                        BertParameterNames.bias(layer, Projection.ATTENTION_OUTPUT));
        // BERT's "gelu" is the exact one, with erf, as BiasGelu computes it.
        String gelu =
                g.node(
                                OnnxGraphBuilder.MICROSOFT,
                                "BiasGelu",
                                List.of(
                                        product(
                                                g,
                                                tokens,
                                                weights,
                                                attended,
                                                layer,
                                                Projection.INTERMEDIATE,
                                                extensions),
                                        vector(
                                                g,
                                                weights,
                                                BertParameterNames.bias(
                                                        layer, Projection.INTERMEDIATE))),
                                1,
                                Map.of())
                        .get(0);
        return skipNorm(
                g,
                weights,
                BertParameterNames.outputNorm(layer),
                product(g, tokens, weights, gelu, layer, Projection.OUTPUT, extensions),
                attended,
                BertParameterNames.bias(layer, Projection.OUTPUT));
    }

    /**
     * Moves values between the unpadded {@code [tokens, width]} layout and the padded {@code [rows,
     * length, width]} one; each value is padded at most once, however many nodes read it padded.
     */
    private static final class Tokens {

        private final OnnxGraphBuilder g;
        private final Map<String, String> padded = new HashMap<>();
        private final Map<Long, String> flatShapes = new HashMap<>();

        Tokens(OnnxGraphBuilder g) {
            this.g = g;
        }

        /** {@code [tokens, width]} to {@code [rows, length, width]}. */
        String pad(String unpadded) {
            return padded.computeIfAbsent(
                    unpadded,
                    value -> g.node("Gather", List.of(value, PAD_INDEX), attributes("axis", 0L)));
        }

        /** {@code [rows, length, width]} to {@code [tokens, width]}; remembers the padded form. */
        String unpad(String paddedValue, long width) {
            String flatShape =
                    flatShapes.computeIfAbsent(
                            width, w -> g.initializer("shape.flat." + w, new long[] {-1, w}, 2));
            String unpadded =
                    g.node(
                            "Gather",
                            List.of(g.node("Reshape", paddedValue, flatShape), TOKEN_INDEX),
                            attributes("axis", 0L));
            padded.put(unpadded, paddedValue);
            return unpadded;
        }
    }

    /** Publishes hidden state {@code index}, padded again, under its public output name. */
    private static void publish(OnnxGraphBuilder g, int index, String state, long h) {
        String name =
                g.node("Gather", List.of(state, PAD_INDEX), attributes("axis", 0L), hidden(index));
        g.output(name, FLOAT, "rows", "length", h);
    }

    private static String heads(OnnxGraphBuilder g, String states, String shape, long[] perm) {
        return g.node(
                "Transpose", List.of(g.node("Reshape", states, shape)), attributes("perm", perm));
    }

    /**
     * {@code x·Wᵀ} without the bias (the consuming fused node adds it), plus, when the graph takes
     * extensions, each row's LoRA update, gathered back to the tokens.
     */
    private static String product(
            OnnxGraphBuilder g,
            Tokens tokens,
            BackboneParameters<BertConfig> weights,
            String input,
            int layer,
            Projection role,
            boolean extensions) {
        String base = g.node("MatMul", input, transposedWeight(g, weights, layer, role));
        if (!extensions) {
            return base;
        }
        long out = BertParameterNames.weightShape(weights.config(), role)[0];
        return g.node(
                "Add",
                base,
                tokens.unpad(paddedLoraUpdate(g, tokens, weights, input, layer, role), out));
    }

    /**
     * Each row's LoRA update of one projection, {@code [rows, length, out]}: the stacks are per
     * row, so it is computed padded.
     */
    private static String paddedLoraUpdate(
            OnnxGraphBuilder g,
            Tokens tokens,
            BackboneParameters<BertConfig> weights,
            String input,
            int layer,
            Projection role) {
        ProjectionSite site =
                BertParameterNames.sites(weights.config())
                        .get(Projection.ENCODER_LAYER.indexOf(role));
        return RowLora.update(g, tokens.pad(input), layer, site);
    }

    /** {@code Wᵀ}, {@code [in, out]}, as MatMul wants it. */
    private static String transposedWeight(
            OnnxGraphBuilder g,
            BackboneParameters<BertConfig> weights,
            int layer,
            Projection role) {
        NDArray weight = weights.get(BertParameterNames.weight(layer, role));
        int out = (int) weight.getShape().get(0);
        int in = (int) weight.getShape().get(1);
        return g.initializer(
                BertParameterNames.weight(layer, role) + ".T",
                () -> transpose(weight.toFloatArray(), out, in),
                in,
                out);
    }

    /**
     * Query, key and value weights side by side, {@code [hidden, 3 hidden]}: one product instead of
     * three (a wider product also runs closer to the machine's peak on few tokens).
     */
    private static String fusedAttentionInput(
            OnnxGraphBuilder g, BackboneParameters<BertConfig> weights, int layer) {
        int h = weights.config().hiddenSize();
        return g.initializer(
                "layer." + layer + ".attention.qkv.T",
                () -> {
                    float[] fused = new float[h * 3 * h];
                    Projection[] roles = {Projection.QUERY, Projection.KEY, Projection.VALUE};
                    for (int part = 0; part < roles.length; part++) {
                        float[] weight =
                                weights.get(BertParameterNames.weight(layer, roles[part]))
                                        .toFloatArray();
                        // weight is [out = h, in = h]; fused[in][part * h + out] = weight[out][in].
                        for (int o = 0; o < h; o++) {
                            for (int i = 0; i < h; i++) {
                                fused[i * 3 * h + part * h + o] = weight[o * h + i];
                            }
                        }
                    }
                    return fused;
                },
                h,
                3L * h);
    }

    private static float[] bias(
            BackboneParameters<BertConfig> weights, int layer, Projection role) {
        return weights.get(BertParameterNames.bias(layer, role)).toFloatArray();
    }

    private static float[] concat(float[]... parts) {
        int length = 0;
        for (float[] part : parts) {
            length += part.length;
        }
        float[] joined = new float[length];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        return joined;
    }

    private static String vector(
            OnnxGraphBuilder g, BackboneParameters<BertConfig> weights, String name) {
        NDArray values = weights.get(name);
        return g.initializer(name, values::toFloatArray, values.getShape().get(0));
    }

    /**
     * {@code [rows, columns]} to {@code [columns, rows]}, in Java: the weights' manager is capped.
     */
    private static float[] transpose(float[] matrix, int rows, int columns) {
        float[] transposed = new float[matrix.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                transposed[c * rows + r] = matrix[r * columns + c];
            }
        }
        return transposed;
    }

    private static String norm(
            OnnxGraphBuilder g,
            BackboneParameters<BertConfig> weights,
            String prefix,
            String input,
            BertConfig config) {
        return g.node(
                "LayerNormalization",
                List.of(
                        input,
                        vector(g, weights, prefix + ".weight"),
                        vector(g, weights, prefix + ".bias")),
                attributes("axis", -1L, "epsilon", config.layerNormEps()));
    }

    /** {@code LayerNorm(input + bias + skip)}, in one kernel. */
    private static String skipNorm(
            OnnxGraphBuilder g,
            BackboneParameters<BertConfig> weights,
            String prefix,
            String input,
            String skip,
            String biasName) {
        return g.node(
                        OnnxGraphBuilder.MICROSOFT,
                        "SkipLayerNormalization",
                        List.of(
                                input,
                                skip,
                                vector(g, weights, prefix + ".weight"),
                                vector(g, weights, prefix + ".bias"),
                                vector(g, weights, biasName)),
                        1,
                        attributes("epsilon", weights.config().layerNormEps()))
                .get(0);
    }

    private static String lookup(
            OnnxGraphBuilder g, BackboneParameters<BertConfig> weights, String table, String ids) {
        NDArray values = weights.get(table);
        String name =
                g.initializer(
                        table,
                        values::toFloatArray,
                        values.getShape().get(0),
                        values.getShape().get(1));
        return g.node("Gather", List.of(name, ids), Map.of("axis", 0L));
    }
}
