package dev.fmplex.engine.family.vit;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical parameter names of a ViT encoder (Hugging Face's {@code ViTModel} without its
 * pooler) and the shape each must have. Linear weights are in PyTorch's {@code [out, in]} layout.
 *
 * <p>A ViT layer has the six projections of a BERT layer, under other module paths; {@link #weight}
 * and {@link #bias} map each {@link Projection} to its ViT name, so LoRA adapters address them the
 * same way on both families.
 */
public final class VitParameterNames {

    public static final String CLS_TOKEN = "embeddings.cls_token";
    public static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings";
    public static final String PATCH_WEIGHT = "embeddings.patch_embeddings.projection.weight";
    public static final String PATCH_BIAS = "embeddings.patch_embeddings.projection.bias";
    public static final String FINAL_NORM = "layernorm";

    private VitParameterNames() {}

    public static String layerPrefix(int layer) {
        return "encoder.layer." + layer + ".";
    }

    /**
     * The module path of a projection inside a ViT layer, e.g. {@code attention.attention.query}.
     */
    public static String path(Projection linear) {
        return switch (linear) {
            case QUERY -> "attention.attention.query";
            case KEY -> "attention.attention.key";
            case VALUE -> "attention.attention.value";
            case ATTENTION_OUTPUT -> "attention.output.dense";
            case INTERMEDIATE -> "intermediate.dense";
            case OUTPUT -> "output.dense";
        };
    }

    public static String weight(int layer, Projection linear) {
        return layerPrefix(layer) + path(linear) + ".weight";
    }

    public static String bias(int layer, Projection linear) {
        return layerPrefix(layer) + path(linear) + ".bias";
    }

    /** The LayerNorm before attention (ViT is pre-norm). */
    public static String normBefore(int layer) {
        return layerPrefix(layer) + "layernorm_before";
    }

    /** The LayerNorm before the feed-forward block. */
    public static String normAfter(int layer) {
        return layerPrefix(layer) + "layernorm_after";
    }

    /** Where each projection of a layer sits, and its shape: the LoRA surface and the weights. */
    public static List<ProjectionSite> sites(VitConfig config) {
        return ProjectionSite.encoderLayer(
                VitParameterNames::path, config.hiddenSize(), config.intermediateSize());
    }

    /** Every parameter the encoder needs, with its expected shape, in a stable order. */
    public static Map<String, long[]> expectedShapes(VitConfig config) {
        long h = config.hiddenSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(CLS_TOKEN, new long[] {1, 1, h});
        shapes.put(POSITION_EMBEDDINGS, new long[] {1, config.sequenceLength(), h});
        shapes.put(
                PATCH_WEIGHT,
                new long[] {h, config.channels(), config.patchSize(), config.patchSize()});
        shapes.put(PATCH_BIAS, new long[] {h});
        for (int layer = 0; layer < config.layers(); layer++) {
            putNorm(shapes, normBefore(layer), h);
            for (ProjectionSite site : sites(config)) {
                shapes.put(weight(layer, site.role()), site.weightShape());
                shapes.put(bias(layer, site.role()), new long[] {site.out()});
            }
            putNorm(shapes, normAfter(layer), h);
        }
        putNorm(shapes, FINAL_NORM, h);
        return shapes;
    }

    private static void putNorm(Map<String, long[]> shapes, String prefix, long width) {
        shapes.put(prefix + ".weight", new long[] {width});
        shapes.put(prefix + ".bias", new long[] {width});
    }

    /**
     * Picks and checks the encoder's parameters from {@code available}; extra entries (a pooler,
     * buffers such as {@code position_ids}, a classifier) are ignored.
     */
    public static BackboneParameters<VitConfig> parameters(
            VitConfig config, Map<String, NDArray> available) throws WeightLoadException {
        return BackboneParameters.pick(config, expectedShapes(config), available);
    }
}
