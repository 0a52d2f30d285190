package dev.fmplex.engine.family.bert;

import static dev.fmplex.engine.ort.OnnxGraphBuilder.BOOL;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.FLOAT;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.INT64;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.attributes;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.ort.OnnxGraphBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT encoder of {@link BertEncoder}, op for op, as an ONNX graph over the same weights, with
 * the inputs per-row extensions need.
 *
 * <p>Two variants are built. Without extensions it is the plain encoder. With them, every
 * projection of every layer carries a LoRA branch fed by graph inputs: {@code lora_slot [rows]}
 * picks each row's adapter from the stacks {@code lora_a.L.ROLE [slots, in, r]} and {@code
 * lora_b.L.ROLE [slots, r, out]} (slot 0 is all zeros, for rows without an adapter), and two
 * batched products add that row's own update, as {@code LoraDeltas} does in the eager path. Soft
 * prompts enter as {@code prompt_embeds [rows, length, hidden]} where {@code prompt_slots [rows,
 * length, 1]} is true. The graph outputs {@code hidden.0} (embeddings) to {@code hidden.L}, Hugging
 * Face's {@code hidden_states}; ONNX Runtime computes only the outputs a pass asks for.
 *
 * <p>Token-wise work runs <em>unpadded</em>: the embeddings are gathered down to the pass's real
 * tokens ({@code token_index [tokens]}, their positions in the flattened {@code [rows, length]}
 * layout), and projections, norms and the feed-forward run on {@code [tokens, width]}. Only
 * attention (and the per-row LoRA products, whose stacks are per row) runs padded: {@code pad_index
 * [rows, length]} gathers each position's token back, padding positions take token 0, whose keys
 * the score mask removes and whose outputs are dropped again. A batch of mixed lengths therefore
 * pays for padding only inside attention. The published hidden states are padded again, so pooling
 * and heads see {@code [rows, length, hidden]} as on the eager path.
 */
final class BertOnnxGraph {

    static final String INPUT_IDS = "input_ids";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String POSITION_IDS = "position_ids";
    static final String SCORE_MASK = "score_mask";
    static final String PROMPT_SLOTS = "prompt_slots";
    static final String PROMPT_EMBEDS = "prompt_embeds";
    static final String LORA_SLOT = "lora_slot";
    static final String TOKEN_INDEX = "token_index";
    static final String PAD_INDEX = "pad_index";

    /** Opset 17: LayerNormalization is a standard op there. */
    static final int OPSET = 17;

    private static final float MASKED_SCORE = -1e9f;

    private BertOnnxGraph() {}

    static String hidden(int index) {
        return "hidden." + index;
    }

    static String loraDown(int layer, Projection role) {
        return "lora_a." + layer + "." + role.name();
    }

    static String loraUp(int layer, Projection role) {
        return "lora_b." + layer + "." + role.name();
    }

    static float maskedScore() {
        return MASKED_SCORE;
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
        g.input(SCORE_MASK, FLOAT, "rows", 1L, 1L, "length");
        g.input(TOKEN_INDEX, INT64, "tokens");
        g.input(PAD_INDEX, INT64, "rows", "length");
        Tokens tokens = new Tokens(g);
        String words = lookup(g, weights, BertParameterNames.WORD_EMBEDDINGS, INPUT_IDS);
        if (extensions) {
            g.input(PROMPT_SLOTS, BOOL, "rows", "length", 1L);
            g.input(PROMPT_EMBEDS, FLOAT, "rows", "length", h);
            g.input(LORA_SLOT, INT64, "rows");
            words = g.node("Where", PROMPT_SLOTS, PROMPT_EMBEDS, words);
        }
        Projector project =
                extensions ? BertOnnxGraph::adaptedProjection : BertOnnxGraph::projection;
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
        String headShape =
                g.initializer(
                        "shape.heads",
                        new long[] {0, 0, config.attentionHeads(), config.headSize()},
                        4);
        String mergedShape = g.initializer("shape.merged", new long[] {0, 0, h}, 3);
        float scale = (float) (1.0 / Math.sqrt(config.headSize()));
        String scaleValue = g.initializer("attention.scale", new float[] {scale});
        String sqrtHalf = g.initializer("gelu.sqrt_half", new float[] {(float) Math.sqrt(0.5)});
        String one = g.initializer("gelu.one", new float[] {1f});
        String half = g.initializer("gelu.half", new float[] {0.5f});
        for (int layer = 0; layer < config.layers(); layer++) {
            String input = state;
            String query =
                    g.node(
                            "Mul",
                            project.apply(g, tokens, weights, input, layer, Projection.QUERY),
                            scaleValue);
            String key = project.apply(g, tokens, weights, input, layer, Projection.KEY);
            String value = project.apply(g, tokens, weights, input, layer, Projection.VALUE);
            String q = heads(g, tokens.pad(query), headShape, new long[] {0, 2, 1, 3});
            String kT = heads(g, tokens.pad(key), headShape, new long[] {0, 2, 3, 1});
            String v = heads(g, tokens.pad(value), headShape, new long[] {0, 2, 1, 3});
            String scores = g.node("Add", g.node("MatMul", q, kT), SCORE_MASK);
            String probabilities = g.node("Softmax", List.of(scores), attributes("axis", -1L));
            String paddedContext =
                    g.node(
                            "Reshape",
                            g.node(
                                    "Transpose",
                                    List.of(g.node("MatMul", probabilities, v)),
                                    attributes("perm", new long[] {0, 2, 1, 3})),
                            mergedShape);
            String context = tokens.unpad(paddedContext, h);
            String attended =
                    norm(
                            g,
                            weights,
                            BertParameterNames.attentionNorm(layer),
                            g.node(
                                    "Add",
                                    project.apply(
                                            g,
                                            tokens,
                                            weights,
                                            context,
                                            layer,
                                            Projection.ATTENTION_OUTPUT),
                                    input),
                            config);
            String intermediate =
                    project.apply(g, tokens, weights, attended, layer, Projection.INTERMEDIATE);
            // GELU with erf, as BERT's "gelu": 0.5 x (1 + erf(x / sqrt 2)).
            String gelu =
                    g.node(
                            "Mul",
                            g.node(
                                    "Mul",
                                    intermediate,
                                    g.node(
                                            "Add",
                                            g.node("Erf", g.node("Mul", intermediate, sqrtHalf)),
                                            one)),
                            half);
            state =
                    norm(
                            g,
                            weights,
                            BertParameterNames.outputNorm(layer),
                            g.node(
                                    "Add",
                                    project.apply(
                                            g, tokens, weights, gelu, layer, Projection.OUTPUT),
                                    attended),
                            config);
            publish(g, layer + 1, state, h);
        }
        return g;
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

    /** Adds one projection of a layer to the graph; returns its output. */
    @FunctionalInterface
    private interface Projector {
        String apply(
                OnnxGraphBuilder g,
                Tokens tokens,
                BackboneParameters<BertConfig> weights,
                String input,
                int layer,
                Projection role);
    }

    /**
     * {@code x·Wᵀ + b}, plus each row's LoRA update from the stacks at its slot: the stacks are per
     * row, so the update is computed padded and gathered back to the tokens.
     */
    private static String adaptedProjection(
            OnnxGraphBuilder g,
            Tokens tokens,
            BackboneParameters<BertConfig> weights,
            String input,
            int layer,
            Projection role) {
        String base = projection(g, tokens, weights, input, layer, role);
        long[] shape = BertParameterNames.weightShape(weights.config(), role);
        // Each projection has its own rank: the largest among the pass's adapters that adapt it.
        String rank = "rank." + layer + "." + role.name();
        String down = g.input(loraDown(layer, role), FLOAT, "slots", shape[1], rank);
        String up = g.input(loraUp(layer, role), FLOAT, "slots", rank, shape[0]);
        String rowDown = g.node("Gather", List.of(down, LORA_SLOT), attributes("axis", 0L));
        String rowUp = g.node("Gather", List.of(up, LORA_SLOT), attributes("axis", 0L));
        String update = g.node("MatMul", g.node("MatMul", tokens.pad(input), rowDown), rowUp);
        return g.node("Add", base, tokens.unpad(update, shape[0]));
    }

    /** {@code x·Wᵀ + b}. */
    private static String projection(
            OnnxGraphBuilder g,
            Tokens tokens,
            BackboneParameters<BertConfig> weights,
            String input,
            int layer,
            Projection role) {
        NDArray weight = weights.get(BertParameterNames.weight(layer, role));
        NDArray biasValues = weights.get(BertParameterNames.bias(layer, role));
        int out = (int) weight.getShape().get(0);
        int in = (int) weight.getShape().get(1);
        String transposed =
                g.initializer(
                        BertParameterNames.weight(layer, role) + ".T",
                        () -> transpose(weight.toFloatArray(), out, in),
                        in,
                        out);
        String bias =
                g.initializer(BertParameterNames.bias(layer, role), biasValues::toFloatArray, out);
        return g.node("Add", g.node("MatMul", input, transposed), bias);
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
        long h = config.hiddenSize();
        String scale =
                g.initializer(prefix + ".weight", weights.get(prefix + ".weight")::toFloatArray, h);
        String shift =
                g.initializer(prefix + ".bias", weights.get(prefix + ".bias")::toFloatArray, h);
        return g.node(
                "LayerNormalization",
                List.of(input, scale, shift),
                attributes("axis", -1L, "epsilon", config.layerNormEps()));
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
