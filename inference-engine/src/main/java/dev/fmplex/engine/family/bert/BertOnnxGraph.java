package dev.fmplex.engine.family.bert;

import static dev.fmplex.engine.ort.OnnxGraphBuilder.BOOL;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.FLOAT;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.INT32;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.INT64;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.attributes;

import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import dev.fmplex.engine.ort.EncoderOps;
import dev.fmplex.engine.ort.OnnxGraphBuilder;
import dev.fmplex.engine.ort.RowLora;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT encoder of {@link BertEncoder} as an ONNX graph over the same weights, with the inputs
 * per-row extensions need. Layers use ONNX Runtime's fused kernels ({@link EncoderOps}).
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
                EncoderOps.layerNorm(
                        g,
                        weights,
                        BertParameterNames.EMBEDDINGS_NORM,
                        tokens.unpad(sum, h),
                        config.layerNormEps());
        publish(g, 0, state, h);
        for (int layer = 0; layer < config.layers(); layer++) {
            state = layer(g, tokens, weights, state, layer, extensions);
            publish(g, layer + 1, state, h);
        }
        return g;
    }

    /**
     * One encoder layer (post-norm) on ONNX Runtime's fused kernels ({@link EncoderOps}): 9 nodes a
     * layer where the same math written op by op takes 27.
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
        String context =
                EncoderOps.selfAttention(
                        g,
                        weights,
                        input,
                        layer,
                        names(layer),
                        tokens::pad,
                        extensions ? role -> site(config, role) : null,
                        KEY_MASK,
                        config.attentionHeads(),
                        false);
        String attended =
                EncoderOps.skipNorm(
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
                                BertParameterNames.bias(layer, Projection.ATTENTION_OUTPUT),
                                config.layerNormEps())
                        .get(0);
        // BERT's "gelu" is the exact one, with erf, as BiasGelu computes it.
        String gelu =
                EncoderOps.biasGelu(
                        g,
                        weights,
                        product(
                                g,
                                tokens,
                                weights,
                                attended,
                                layer,
                                Projection.INTERMEDIATE,
                                extensions),
                        BertParameterNames.bias(layer, Projection.INTERMEDIATE));
        return EncoderOps.skipNorm(
                        g,
                        weights,
                        BertParameterNames.outputNorm(layer),
                        product(g, tokens, weights, gelu, layer, Projection.OUTPUT, extensions),
                        attended,
                        BertParameterNames.bias(layer, Projection.OUTPUT),
                        config.layerNormEps())
                .get(0);
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

    /**
     * {@code x·Wᵀ} without the bias (the consuming fused node adds it), plus, when the graph takes
     * extensions, each row's LoRA update: the stacks are per row, so the update is computed padded
     * and gathered back to the tokens.
     */
    private static String product(
            OnnxGraphBuilder g,
            Tokens tokens,
            BackboneParameters<BertConfig> weights,
            String input,
            int layer,
            Projection role,
            boolean extensions) {
        String base =
                g.node(
                        "MatMul",
                        input,
                        EncoderOps.transposed(g, weights, BertParameterNames.weight(layer, role)));
        if (!extensions) {
            return base;
        }
        ProjectionSite site = site(weights.config(), role);
        return g.node(
                "Add",
                base,
                tokens.unpad(RowLora.update(g, tokens.pad(input), layer, site), site.out()));
    }

    private static EncoderOps.LayerNames names(int layer) {
        return new EncoderOps.LayerNames(
                role -> BertParameterNames.weight(layer, role),
                role -> BertParameterNames.bias(layer, role),
                BertParameterNames.layerPrefix(layer) + "attention.");
    }

    private static ProjectionSite site(BertConfig config, Projection role) {
        return BertParameterNames.sites(config).get(Projection.ENCODER_LAYER.indexOf(role));
    }

    private static String lookup(
            OnnxGraphBuilder g, BackboneParameters<BertConfig> weights, String table, String ids) {
        return g.node(
                "Gather",
                List.of(EncoderOps.parameter(g, weights, table), ids),
                attributes("axis", 0L));
    }
}
