package dev.fmplex.engine.family.clip;

import static dev.fmplex.engine.ort.OnnxGraphBuilder.FLOAT;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.INT32;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.INT64;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.attributes;

import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.family.clip.ClipParameterNames.Tower;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import dev.fmplex.engine.ort.EncoderOps;
import dev.fmplex.engine.ort.OnnxGraphBuilder;
import dev.fmplex.engine.ort.RowLora;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * CLIP's two towers of {@link ClipEncoder} as ONNX graphs over the same weights, one graph per
 * tower, on ONNX Runtime's fused kernels ({@link EncoderOps}). Both towers are pre-norm, so each
 * residual and the next norm is one {@code SkipLayerNormalization}; the last one applies the
 * tower's closing norm ({@code final_layer_norm} on text; {@code post_layernorm} on images, which
 * normalizes each position alone, so normalizing all and keeping the class token's equals
 * normalizing the class token).
 *
 * <ul>
 *   <li>Text: {@code input_ids}, {@code position_ids}, {@code key_mask} (int32, 1 for real tokens)
 *       and {@code end_index} (each row's end-of-text position in the flattened {@code [rows,
 *       length]} layout); causal attention; output {@code text_embeds}.
 *   <li>Vision: {@code pixels}; a bias-free patch convolution, the class embedding, positions,
 *       {@code pre_layrnorm}; output {@code image_embeds}.
 * </ul>
 *
 * With extensions, every projection carries a per-row LoRA branch ({@link RowLora}); vision modules
 * are found at {@link ClipParameterNames#VISION_LAYER_BASE} plus the layer.
 */
final class ClipOnnxGraph {

    static final String INPUT_IDS = "input_ids";
    static final String POSITION_IDS = "position_ids";
    static final String KEY_MASK = "key_mask";
    static final String END_INDEX = "end_index";
    static final String PIXELS = "pixels";
    static final String TEXT_EMBEDS = "text_embeds";
    static final String IMAGE_EMBEDS = "image_embeds";

    /** Opset 17: LayerNormalization is a standard op, Shape takes start and end. */
    static final int OPSET = 17;

    private ClipOnnxGraph() {}

    static OnnxGraphBuilder text(BackboneParameters<ClipConfig> weights, boolean extensions) {
        ClipConfig config = weights.config();
        ClipConfig.Text text = config.text();
        OnnxGraphBuilder g = new OnnxGraphBuilder("fmplex-clip-text");
        g.input(INPUT_IDS, INT64, "rows", "length");
        g.input(POSITION_IDS, INT64, "rows", "length");
        g.input(KEY_MASK, INT32, "rows", "length");
        g.input(END_INDEX, INT64, "rows");
        if (extensions) {
            RowLora.declareSlot(g);
        }
        String embedded =
                g.node(
                        "Add",
                        g.node(
                                "Gather",
                                List.of(
                                        EncoderOps.parameter(
                                                g, weights, ClipParameterNames.TOKEN_EMBEDDING),
                                        INPUT_IDS),
                                attributes("axis", 0L)),
                        g.node(
                                "Gather",
                                List.of(
                                        EncoderOps.parameter(
                                                g, weights, ClipParameterNames.TEXT_POSITIONS),
                                        POSITION_IDS),
                                attributes("axis", 0L)));
        String normed =
                layers(
                        g,
                        weights,
                        new TowerShape(
                                Tower.TEXT,
                                text.layers(),
                                text.hiddenSize(),
                                text.intermediateSize(),
                                text.attentionHeads(),
                                text.layerNormEps(),
                                text.quickGelu()),
                        embedded,
                        ClipParameterNames.FINAL_LAYER_NORM,
                        KEY_MASK,
                        extensions);
        String pooled =
                g.node(
                        "Gather",
                        List.of(
                                g.node(
                                        "Reshape",
                                        normed,
                                        g.initializer(
                                                "shape.text.flat",
                                                new long[] {-1, text.hiddenSize()},
                                                2)),
                                END_INDEX),
                        attributes("axis", 0L));
        String projected =
                g.node(
                        "MatMul",
                        List.of(
                                pooled,
                                EncoderOps.transposed(
                                        g, weights, ClipParameterNames.TEXT_PROJECTION)),
                        Map.of(),
                        TEXT_EMBEDS);
        g.output(projected, FLOAT, "rows", (long) config.projectionDim());
        return g;
    }

    static OnnxGraphBuilder vision(BackboneParameters<ClipConfig> weights, boolean extensions) {
        ClipConfig config = weights.config();
        ClipConfig.Vision vision = config.vision();
        long h = vision.hiddenSize();
        OnnxGraphBuilder g = new OnnxGraphBuilder("fmplex-clip-vision");
        g.input(
                PIXELS,
                FLOAT,
                "rows",
                (long) vision.channels(),
                (long) vision.imageSize(),
                (long) vision.imageSize());
        if (extensions) {
            RowLora.declareSlot(g);
        }
        String patches =
                EncoderOps.patchEmbedding(
                        g,
                        PIXELS,
                        EncoderOps.parameter(g, weights, ClipParameterNames.PATCH_EMBEDDING),
                        null,
                        h,
                        vision.patchSize());
        String classToken =
                g.initializer(
                        ClipParameterNames.CLASS_EMBEDDING + ".row",
                        weights.get(ClipParameterNames.CLASS_EMBEDDING)::toFloatArray,
                        1,
                        1,
                        h);
        String embedded =
                g.node(
                        "Add",
                        EncoderOps.prepend(g, classToken, patches, PIXELS, 1, h),
                        EncoderOps.parameter(g, weights, ClipParameterNames.VISION_POSITIONS));
        String residual =
                EncoderOps.layerNorm(
                        g,
                        weights,
                        ClipParameterNames.PRE_LAYER_NORM,
                        embedded,
                        vision.layerNormEps());
        String normed =
                layers(
                        g,
                        weights,
                        new TowerShape(
                                Tower.VISION,
                                vision.layers(),
                                vision.hiddenSize(),
                                vision.intermediateSize(),
                                vision.attentionHeads(),
                                vision.layerNormEps(),
                                vision.quickGelu()),
                        residual,
                        ClipParameterNames.POST_LAYER_NORM,
                        "",
                        extensions);
        String classState =
                g.node(
                        "Gather",
                        List.of(normed, g.initializer("index.class", new long[] {0})),
                        attributes("axis", 1L));
        String projected =
                g.node(
                        "MatMul",
                        List.of(
                                classState,
                                EncoderOps.transposed(
                                        g, weights, ClipParameterNames.VISUAL_PROJECTION)),
                        Map.of(),
                        IMAGE_EMBEDS);
        g.output(projected, FLOAT, "rows", (long) config.projectionDim());
        return g;
    }

    /** What the layers of one tower look like. */
    private record TowerShape(
            Tower tower,
            int layers,
            int hidden,
            int intermediate,
            int heads,
            float eps,
            boolean quickGelu) {

        ProjectionSite site(Projection role) {
            return ClipParameterNames.sites(hidden, intermediate)
                    .get(Projection.ENCODER_LAYER.indexOf(role));
        }
    }

    /**
     * The tower's pre-norm layers over {@code residual}; returns the last residual normalized by
     * {@code closingNorm}.
     *
     * @param keyMask the key mask input, or {@code ""} for none (and no causal mask)
     */
    private static String layers(
            OnnxGraphBuilder g,
            BackboneParameters<ClipConfig> weights,
            TowerShape shape,
            String residual,
            String closingNorm,
            String keyMask,
            boolean extensions) {
        Tower tower = shape.tower();
        String normed =
                EncoderOps.layerNorm(
                        g, weights, ClipParameterNames.norm(tower, 0, 1), residual, shape.eps());
        for (int layer = 0; layer < shape.layers(); layer++) {
            int at = layer;
            String context =
                    EncoderOps.selfAttention(
                            g,
                            weights,
                            normed,
                            layer,
                            new EncoderOps.LayerNames(
                                    role -> ClipParameterNames.weight(tower, at, role),
                                    role -> ClipParameterNames.bias(tower, at, role),
                                    ClipParameterNames.layerPrefix(tower, layer) + "self_attn."),
                            UnaryOperator.identity(),
                            extensions ? shape::site : null,
                            keyMask,
                            shape.heads(),
                            !keyMask.isEmpty());
            List<String> attended =
                    EncoderOps.skipNorm(
                            g,
                            weights,
                            ClipParameterNames.norm(tower, layer, 2),
                            product(
                                    g,
                                    weights,
                                    shape,
                                    context,
                                    layer,
                                    Projection.ATTENTION_OUTPUT,
                                    extensions),
                            residual,
                            ClipParameterNames.bias(tower, layer, Projection.ATTENTION_OUTPUT),
                            shape.eps());
            String inner =
                    product(
                            g,
                            weights,
                            shape,
                            attended.get(0),
                            layer,
                            Projection.INTERMEDIATE,
                            extensions);
            String innerBias = ClipParameterNames.bias(tower, layer, Projection.INTERMEDIATE);
            String activated =
                    shape.quickGelu()
                            ? EncoderOps.biasQuickGelu(g, weights, inner, innerBias)
                            : EncoderOps.biasGelu(g, weights, inner, innerBias);
            boolean last = layer == shape.layers() - 1;
            List<String> next =
                    EncoderOps.skipNorm(
                            g,
                            weights,
                            last ? closingNorm : ClipParameterNames.norm(tower, layer + 1, 1),
                            product(
                                    g,
                                    weights,
                                    shape,
                                    activated,
                                    layer,
                                    Projection.OUTPUT,
                                    extensions),
                            attended.get(1),
                            ClipParameterNames.bias(tower, layer, Projection.OUTPUT),
                            shape.eps());
            normed = next.get(0);
            residual = next.get(1);
        }
        return normed;
    }

    /** {@code x·Wᵀ} without the bias, plus each row's LoRA update when the graph takes them. */
    private static String product(
            OnnxGraphBuilder g,
            BackboneParameters<ClipConfig> weights,
            TowerShape shape,
            String input,
            int layer,
            Projection role,
            boolean extensions) {
        return EncoderOps.product(
                g,
                weights,
                input,
                ClipParameterNames.weight(shape.tower(), layer, role),
                layer,
                extensions ? shape.site(role) : null);
    }
}
