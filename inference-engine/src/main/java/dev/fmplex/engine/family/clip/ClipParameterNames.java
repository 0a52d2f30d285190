package dev.fmplex.engine.family.clip;

import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonical parameter names of a CLIP model, those of {@code CLIPModel.save_pretrained}. Both
 * towers share their layers' sub-names; the six projections LoRA adapts keep BERT's roles ({@link
 * Projection}) under CLIP's module paths.
 */
public final class ClipParameterNames {

    /** The tower a name or LoRA module belongs to. */
    public enum Tower {
        TEXT("text_model."),
        VISION("vision_model.");

        private final String prefix;

        Tower(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }

        /** Where this tower's layers are, e.g. {@code vision_model.encoder.layers}. */
        public String layerPath() {
            return prefix + "encoder.layers";
        }
    }

    /**
     * Added to a vision layer's index in LoRA modules and deltas: the two towers' layers share one
     * index space, text layers first at 0.
     */
    public static final int VISION_LAYER_BASE = 1000;

    public static final String TOKEN_EMBEDDING = "text_model.embeddings.token_embedding.weight";
    public static final String TEXT_POSITIONS = "text_model.embeddings.position_embedding.weight";
    public static final String FINAL_LAYER_NORM = "text_model.final_layer_norm";
    public static final String CLASS_EMBEDDING = "vision_model.embeddings.class_embedding";
    public static final String PATCH_EMBEDDING = "vision_model.embeddings.patch_embedding.weight";
    public static final String VISION_POSITIONS =
            "vision_model.embeddings.position_embedding.weight";

    /** Spelled as transformers spells it. */
    public static final String PRE_LAYER_NORM = "vision_model.pre_layrnorm";

    public static final String POST_LAYER_NORM = "vision_model.post_layernorm";
    public static final String TEXT_PROJECTION = "text_projection.weight";
    public static final String VISUAL_PROJECTION = "visual_projection.weight";
    public static final String LOGIT_SCALE = "logit_scale";

    private ClipParameterNames() {}

    /** The module path of a projection inside a layer of either tower. */
    public static String path(Projection linear) {
        return switch (linear) {
            case QUERY -> "self_attn.q_proj";
            case KEY -> "self_attn.k_proj";
            case VALUE -> "self_attn.v_proj";
            case ATTENTION_OUTPUT -> "self_attn.out_proj";
            case INTERMEDIATE -> "mlp.fc1";
            case OUTPUT -> "mlp.fc2";
        };
    }

    /** Where each projection of a tower's layer sits, and its shape, for that tower's widths. */
    public static List<ProjectionSite> sites(long hidden, long intermediate) {
        return ProjectionSite.encoderLayer(ClipParameterNames::path, hidden, intermediate);
    }

    public static String layerPrefix(Tower tower, int layer) {
        return tower.layerPath() + "." + layer + ".";
    }

    public static String weight(Tower tower, int layer, Projection linear) {
        return layerPrefix(tower, layer) + path(linear) + ".weight";
    }

    public static String bias(Tower tower, int layer, Projection linear) {
        return layerPrefix(tower, layer) + path(linear) + ".bias";
    }

    /** {@code layer_norm1} (before attention) or {@code layer_norm2} (before the MLP). */
    public static String norm(Tower tower, int layer, int which) {
        return layerPrefix(tower, layer) + "layer_norm" + which;
    }

    /** Every parameter the model reads, with its shape. */
    public static Map<String, long[]> expectedShapes(ClipConfig config) {
        ClipConfig.Text text = config.text();
        ClipConfig.Vision vision = config.vision();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(TOKEN_EMBEDDING, new long[] {text.vocabSize(), text.hiddenSize()});
        shapes.put(TEXT_POSITIONS, new long[] {text.maxPositions(), text.hiddenSize()});
        layers(shapes, Tower.TEXT, text.layers(), text.hiddenSize(), text.intermediateSize());
        norm(shapes, FINAL_LAYER_NORM, text.hiddenSize());
        long dv = vision.hiddenSize();
        shapes.put(CLASS_EMBEDDING, new long[] {dv});
        shapes.put(
                PATCH_EMBEDDING,
                new long[] {dv, vision.channels(), vision.patchSize(), vision.patchSize()});
        shapes.put(VISION_POSITIONS, new long[] {vision.sequenceLength(), dv});
        norm(shapes, PRE_LAYER_NORM, dv);
        layers(
                shapes,
                Tower.VISION,
                vision.layers(),
                vision.hiddenSize(),
                vision.intermediateSize());
        norm(shapes, POST_LAYER_NORM, dv);
        shapes.put(TEXT_PROJECTION, new long[] {config.projectionDim(), text.hiddenSize()});
        shapes.put(VISUAL_PROJECTION, new long[] {config.projectionDim(), dv});
        shapes.put(LOGIT_SCALE, new long[0]);
        return shapes;
    }

    private static void layers(
            Map<String, long[]> shapes, Tower tower, int layers, long hidden, long intermediate) {
        for (int layer = 0; layer < layers; layer++) {
            for (ProjectionSite site : sites(hidden, intermediate)) {
                shapes.put(weight(tower, layer, site.role()), site.weightShape());
                shapes.put(bias(tower, layer, site.role()), new long[] {site.out()});
            }
            norm(shapes, norm(tower, layer, 1), hidden);
            norm(shapes, norm(tower, layer, 2), hidden);
        }
    }

    private static void norm(Map<String, long[]> shapes, String prefix, long hidden) {
        shapes.put(prefix + ".weight", new long[] {hidden});
        shapes.put(prefix + ".bias", new long[] {hidden});
    }
}
