package dev.fmplex.engine.family.vit;

import static dev.fmplex.engine.ort.OnnxGraphBuilder.FLOAT;

import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import dev.fmplex.engine.ort.AdaptedSessions;
import dev.fmplex.engine.ort.EncoderOps;
import dev.fmplex.engine.ort.OnnxGraphBuilder;
import dev.fmplex.engine.ort.RowLora;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The ViT encoder of {@link VitEncoder} as an ONNX graph over the same weights, on ONNX Runtime's
 * fused kernels ({@link EncoderOps}).
 *
 * <p>Input {@code pixels [rows, channels, size, size]}, preprocessed. Patches are embedded by a
 * convolution whose stride is its kernel, the class token is expanded to every row and prepended,
 * and position embeddings are added. ViT is pre-norm, which {@code SkipLayerNormalization} fits
 * exactly: one node adds a block's output, its bias and the residual, normalizes the sum for the
 * next block, and hands the sum on as the next residual. Outputs {@code hidden.0} (embeddings) to
 * {@code hidden.L-1} are Hugging Face's {@code hidden_states}; {@code hidden.L} is the last layer
 * <em>after</em> the final LayerNorm ({@code last_hidden_state}), which is what a vFM reading the
 * last layer sees.
 *
 * <p>Two variants, as for text: without extensions, and with a per-row LoRA branch ({@link
 * RowLora}) on every projection of every layer. Rows all have the same length, so nothing is
 * padded.
 */
final class VitOnnxGraph {

    static final String PIXELS = "pixels";

    /** Opset 17: LayerNormalization is a standard op, Shape takes start and end. */
    static final int OPSET = 17;

    private VitOnnxGraph() {}

    static String hidden(int index) {
        return AdaptedSessions.hidden(index);
    }

    /**
     * @param extensions whether the graph takes LoRA stacks
     */
    static OnnxGraphBuilder build(BackboneParameters<VitConfig> weights, boolean extensions) {
        VitConfig config = weights.config();
        OnnxGraphBuilder g = new OnnxGraphBuilder("fmplex-vit");
        long h = config.hiddenSize();
        float eps = config.layerNormEps();
        g.input(
                PIXELS,
                FLOAT,
                "rows",
                (long) config.channels(),
                (long) config.imageSize(),
                (long) config.imageSize());
        if (extensions) {
            RowLora.declareSlot(g);
        }
        String residual = embed(g, weights);
        g.output(
                g.node("Identity", List.of(residual), Map.of(), hidden(0)),
                FLOAT,
                "rows",
                (long) config.sequenceLength(),
                h);
        String normed =
                EncoderOps.layerNorm(g, weights, VitParameterNames.normBefore(0), residual, eps);
        for (int layer = 0; layer < config.layers(); layer++) {
            String attended = attention(g, weights, normed, layer, extensions);
            List<String> afterAttention =
                    EncoderOps.skipNorm(
                            g,
                            weights,
                            VitParameterNames.normAfter(layer),
                            attended,
                            residual,
                            VitParameterNames.bias(layer, Projection.ATTENTION_OUTPUT),
                            eps);
            String gelu =
                    EncoderOps.biasGelu(
                            g,
                            weights,
                            product(
                                    g,
                                    weights,
                                    afterAttention.get(0),
                                    layer,
                                    Projection.INTERMEDIATE,
                                    extensions),
                            VitParameterNames.bias(layer, Projection.INTERMEDIATE));
            boolean last = layer == config.layers() - 1;
            List<String> afterMlp =
                    EncoderOps.skipNorm(
                            g,
                            weights,
                            last
                                    ? VitParameterNames.FINAL_NORM
                                    : VitParameterNames.normBefore(layer + 1),
                            product(g, weights, gelu, layer, Projection.OUTPUT, extensions),
                            afterAttention.get(1),
                            VitParameterNames.bias(layer, Projection.OUTPUT),
                            eps);
            normed = afterMlp.get(0);
            residual = afterMlp.get(1);
            String published = last ? normed : residual;
            g.output(
                    g.node("Identity", List.of(published), Map.of(), hidden(layer + 1)),
                    FLOAT,
                    "rows",
                    (long) config.sequenceLength(),
                    h);
        }
        return g;
    }

    /** Patch embeddings, the class token in front, position embeddings added. */
    private static String embed(OnnxGraphBuilder g, BackboneParameters<VitConfig> weights) {
        VitConfig config = weights.config();
        long h = config.hiddenSize();
        String patches =
                EncoderOps.patchEmbedding(
                        g,
                        PIXELS,
                        EncoderOps.parameter(g, weights, VitParameterNames.PATCH_WEIGHT),
                        EncoderOps.parameter(g, weights, VitParameterNames.PATCH_BIAS),
                        h,
                        config.patchSize());
        return g.node(
                "Add",
                EncoderOps.prepend(
                        g,
                        EncoderOps.parameter(g, weights, VitParameterNames.CLS_TOKEN),
                        patches,
                        PIXELS,
                        1,
                        h),
                EncoderOps.parameter(g, weights, VitParameterNames.POSITION_EMBEDDINGS));
    }

    /** Self-attention through its output product, without the output bias (the norm adds it). */
    private static String attention(
            OnnxGraphBuilder g,
            BackboneParameters<VitConfig> weights,
            String normed,
            int layer,
            boolean extensions) {
        VitConfig config = weights.config();
        String context =
                EncoderOps.selfAttention(
                        g,
                        weights,
                        normed,
                        layer,
                        new EncoderOps.LayerNames(
                                role -> VitParameterNames.weight(layer, role),
                                role -> VitParameterNames.bias(layer, role),
                                VitParameterNames.layerPrefix(layer) + "attention."),
                        UnaryOperator.identity(),
                        extensions ? role -> site(config, role) : null,
                        "",
                        config.attentionHeads(),
                        false);
        return product(g, weights, context, layer, Projection.ATTENTION_OUTPUT, extensions);
    }

    /** {@code x·Wᵀ} without the bias, plus each row's LoRA update when the graph takes them. */
    private static String product(
            OnnxGraphBuilder g,
            BackboneParameters<VitConfig> weights,
            String input,
            int layer,
            Projection role,
            boolean extensions) {
        return EncoderOps.product(
                g,
                weights,
                input,
                VitParameterNames.weight(layer, role),
                layer,
                extensions ? site(weights.config(), role) : null);
    }

    private static ProjectionSite site(VitConfig config, Projection role) {
        return VitParameterNames.sites(config).get(Projection.ENCODER_LAYER.indexOf(role));
    }
}
