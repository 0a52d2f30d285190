package dev.fmplex.engine.family.patchtst;

import static dev.fmplex.engine.ort.OnnxGraphBuilder.FLOAT;

import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import dev.fmplex.engine.ort.AdaptedSessions;
import dev.fmplex.engine.ort.EncoderOps;
import dev.fmplex.engine.ort.OnnxGraphBuilder;
import dev.fmplex.engine.ort.RowLora;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The PatchTST encoder of {@link PatchTstEncoder} as an ONNX graph over the same weights, on ONNX
 * Runtime's fused kernels ({@link EncoderOps}) wherever the checkpoint's choices allow.
 *
 * <p>Input {@code patches [rows, channels, patches, patch_length]}, scaled and patched on the host.
 * The shared patch embedding and the position encoding (after the class token when there is one)
 * give {@code [rows x channels, positions, d_model]}, every channel its own sequence. Layers are
 * pre- or post-norm as the checkpoint says; with LayerNorm, each residual and its norm is one
 * {@code SkipLayerNormalization}; eval-mode BatchNorm is a per-feature scale and shift folded from
 * the running statistics. There is no final norm. Outputs {@code hidden.0} to {@code hidden.L}, as
 * transformers' {@code hidden_states}.
 *
 * <p>Two variants, as for text: without extensions, and with a per-row LoRA branch ({@link
 * RowLora}) on every projection, one slot per sequence (each channel carries its row's adapter).
 */
final class PatchTstOnnxGraph {

    static final String PATCHES = "patches";

    /** Opset 17: LayerNormalization is a standard op, Shape takes start and end. */
    static final int OPSET = 17;

    private PatchTstOnnxGraph() {}

    static String hidden(int index) {
        return AdaptedSessions.hidden(index);
    }

    /** A residual sum and its norm. */
    private record Residual(String normed, String sum) {}

    /**
     * @param extensions whether the graph takes LoRA stacks
     */
    static OnnxGraphBuilder build(BackboneParameters<PatchTstConfig> weights, boolean extensions) {
        PatchTstConfig config = weights.config();
        OnnxGraphBuilder g = new OnnxGraphBuilder("fmplex-patchtst");
        g.input(
                PATCHES,
                FLOAT,
                "rows",
                (long) config.channels(),
                (long) config.patches(),
                (long) config.patchLength());
        if (extensions) {
            RowLora.declareSlot(g);
        }
        String state = embed(g, weights);
        publish(g, config, 0, state);
        String normed =
                config.preNorm()
                        ? norm(g, weights, state, PatchTstParameterNames.norm(config, 0, 1))
                        : null;
        for (int layer = 0; layer < config.layers(); layer++) {
            String attentionBias = PatchTstParameterNames.bias(layer, Projection.ATTENTION_OUTPUT);
            String outputBias =
                    config.ffBias() ? PatchTstParameterNames.bias(layer, Projection.OUTPUT) : null;
            if (config.preNorm()) {
                Residual attended =
                        residual(
                                g,
                                weights,
                                attention(g, weights, normed, layer, extensions),
                                attentionBias,
                                state,
                                PatchTstParameterNames.norm(config, layer, 3));
                String fed = feedForward(g, weights, attended.normed(), layer, extensions);
                if (layer == config.layers() - 1) {
                    String output =
                            outputBias == null
                                    ? fed
                                    : g.node("Add", fed, bias(g, weights, outputBias));
                    state = g.node("Add", output, attended.sum());
                } else {
                    Residual next =
                            residual(
                                    g,
                                    weights,
                                    fed,
                                    outputBias,
                                    attended.sum(),
                                    PatchTstParameterNames.norm(config, layer + 1, 1));
                    state = next.sum();
                    normed = next.normed();
                }
            } else {
                String attended =
                        residual(
                                        g,
                                        weights,
                                        attention(g, weights, state, layer, extensions),
                                        attentionBias,
                                        state,
                                        PatchTstParameterNames.norm(config, layer, 1))
                                .normed();
                state =
                        residual(
                                        g,
                                        weights,
                                        feedForward(g, weights, attended, layer, extensions),
                                        outputBias,
                                        attended,
                                        PatchTstParameterNames.norm(config, layer, 3))
                                .normed();
            }
            publish(g, config, layer + 1, state);
        }
        return g;
    }

    private static void publish(
            OnnxGraphBuilder g, PatchTstConfig config, int index, String state) {
        g.output(
                g.node("Identity", List.of(state), Map.of(), hidden(index)),
                FLOAT,
                "sequences",
                (long) config.positions(),
                (long) config.dModel());
    }

    /**
     * Patches embedded, position encoding added (the class token, with the first position's
     * encoding, in front when there is one), as {@code [rows x channels, positions, d_model]}.
     */
    private static String embed(OnnxGraphBuilder g, BackboneParameters<PatchTstConfig> weights) {
        PatchTstConfig config = weights.config();
        long d = config.dModel();
        String embedded =
                g.node(
                        "Add",
                        g.node(
                                "MatMul",
                                PATCHES,
                                EncoderOps.transposed(
                                        g, weights, PatchTstParameterNames.EMBEDDING + ".weight")),
                        EncoderOps.parameter(
                                g, weights, PatchTstParameterNames.EMBEDDING + ".bias"));
        String sequences;
        if (config.clsToken()) {
            float[] positions = weights.get(PatchTstParameterNames.POSITIONS).toFloatArray();
            String patchPositions =
                    g.initializer(
                            PatchTstParameterNames.POSITIONS + ".patches",
                            () -> Arrays.copyOfRange(positions, (int) d, positions.length),
                            config.patches(),
                            d);
            String classToken =
                    g.initializer(
                            PatchTstParameterNames.CLS_TOKEN + ".positioned",
                            () -> {
                                float[] cls =
                                        weights.get(PatchTstParameterNames.CLS_TOKEN)
                                                .toFloatArray();
                                float[] positioned = new float[(int) d];
                                for (int j = 0; j < d; j++) {
                                    positioned[j] = cls[j] + positions[j];
                                }
                                return positioned;
                            },
                            1,
                            1,
                            1,
                            d);
            sequences =
                    EncoderOps.prepend(
                            g, classToken, g.node("Add", embedded, patchPositions), PATCHES, 2, d);
        } else {
            sequences =
                    g.node(
                            "Add",
                            embedded,
                            EncoderOps.parameter(g, weights, PatchTstParameterNames.POSITIONS));
        }
        return g.node(
                "Reshape",
                sequences,
                g.initializer("shape.sequences", new long[] {-1, config.positions(), d}, 3));
    }

    /** Self-attention through its output product, without the output bias. */
    private static String attention(
            OnnxGraphBuilder g,
            BackboneParameters<PatchTstConfig> weights,
            String input,
            int layer,
            boolean extensions) {
        PatchTstConfig config = weights.config();
        String context =
                EncoderOps.selfAttention(
                        g,
                        weights,
                        input,
                        layer,
                        new EncoderOps.LayerNames(
                                role -> PatchTstParameterNames.weight(layer, role),
                                role -> PatchTstParameterNames.bias(layer, role),
                                PatchTstParameterNames.layerPrefix(layer) + "self_attn."),
                        UnaryOperator.identity(),
                        extensions ? role -> site(config, role) : null,
                        "",
                        config.attentionHeads(),
                        false);
        return product(g, weights, context, layer, Projection.ATTENTION_OUTPUT, extensions);
    }

    /** The feed-forward block through its output product, without the output bias. */
    private static String feedForward(
            OnnxGraphBuilder g,
            BackboneParameters<PatchTstConfig> weights,
            String input,
            int layer,
            boolean extensions) {
        String gelu =
                EncoderOps.biasGelu(
                        g,
                        weights,
                        product(g, weights, input, layer, Projection.INTERMEDIATE, extensions),
                        weights.config().ffBias()
                                ? PatchTstParameterNames.bias(layer, Projection.INTERMEDIATE)
                                : null);
        return product(g, weights, gelu, layer, Projection.OUTPUT, extensions);
    }

    /**
     * {@code input + bias + skip} and its norm: one {@code SkipLayerNormalization} with LayerNorm,
     * a sum and a folded scale and shift with BatchNorm.
     *
     * @param biasName the projection's bias, or null when it has none
     */
    private static Residual residual(
            OnnxGraphBuilder g,
            BackboneParameters<PatchTstConfig> weights,
            String input,
            String biasName,
            String skip,
            String normPrefix) {
        PatchTstConfig config = weights.config();
        if (config.layerNorm()) {
            List<String> outputs =
                    EncoderOps.skipNorm(
                            g, weights, normPrefix, input, skip, biasName, config.normEps());
            return new Residual(outputs.get(0), outputs.get(1));
        }
        String biased = biasName == null ? input : g.node("Add", input, bias(g, weights, biasName));
        String sum = g.node("Add", biased, skip);
        return new Residual(norm(g, weights, sum, normPrefix), sum);
    }

    /**
     * LayerNorm over {@code d_model}, or eval-mode BatchNorm as {@code x * scale + shift} with
     * {@code scale = weight / sqrt(running_var + eps)} and {@code shift = bias - running_mean *
     * scale}, folded once here.
     */
    private static String norm(
            OnnxGraphBuilder g,
            BackboneParameters<PatchTstConfig> weights,
            String input,
            String prefix) {
        PatchTstConfig config = weights.config();
        if (config.layerNorm()) {
            return EncoderOps.layerNorm(g, weights, prefix, input, config.normEps());
        }
        int d = config.dModel();
        float[] weight = weights.get(prefix + ".weight").toFloatArray();
        float[] shiftBase = weights.get(prefix + ".bias").toFloatArray();
        float[] mean = weights.get(prefix + ".running_mean").toFloatArray();
        float[] variance = weights.get(prefix + ".running_var").toFloatArray();
        float[] scale = new float[d];
        float[] shift = new float[d];
        for (int j = 0; j < d; j++) {
            scale[j] = (float) (weight[j] / Math.sqrt(variance[j] + (double) config.normEps()));
            shift[j] = (float) (shiftBase[j] - mean[j] * (double) scale[j]);
        }
        return g.node(
                "Add",
                g.node("Mul", input, g.initializer(prefix + ".folded_scale", scale, d)),
                g.initializer(prefix + ".folded_shift", shift, d));
    }

    /** {@code x·Wᵀ} without the bias, plus each row's LoRA update when the graph takes them. */
    private static String product(
            OnnxGraphBuilder g,
            BackboneParameters<PatchTstConfig> weights,
            String input,
            int layer,
            Projection role,
            boolean extensions) {
        return EncoderOps.product(
                g,
                weights,
                input,
                PatchTstParameterNames.weight(layer, role),
                layer,
                extensions ? site(weights.config(), role) : null);
    }

    private static String bias(
            OnnxGraphBuilder g, BackboneParameters<PatchTstConfig> weights, String name) {
        return EncoderOps.parameter(g, weights, name);
    }

    private static ProjectionSite site(PatchTstConfig config, Projection role) {
        return PatchTstParameterNames.sites(config).get(Projection.ENCODER_LAYER.indexOf(role));
    }
}
