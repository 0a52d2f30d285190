package dev.fmplex.engine.family.bert;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical Hugging Face parameter names of a BERT encoder and the shape each must have.
 *
 * <p>Linear weights are in PyTorch's {@code [out, in]} layout. Every loader maps its source onto
 * these names, so shape checking and the encoder see one convention.
 */
public final class BertParameterNames {

    public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    public static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
    public static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
    public static final String EMBEDDINGS_NORM = "embeddings.LayerNorm";

    private BertParameterNames() {}

    /** The module path of a projection inside a BERT layer, e.g. {@code attention.self.query}. */
    public static String path(Projection projection) {
        return switch (projection) {
            case QUERY -> "attention.self.query";
            case KEY -> "attention.self.key";
            case VALUE -> "attention.self.value";
            case ATTENTION_OUTPUT -> "attention.output.dense";
            case INTERMEDIATE -> "intermediate.dense";
            case OUTPUT -> "output.dense";
        };
    }

    public static String weight(int layer, Projection projection) {
        return layerPrefix(layer) + path(projection) + ".weight";
    }

    public static String bias(int layer, Projection projection) {
        return layerPrefix(layer) + path(projection) + ".bias";
    }

    /** Where each projection of a layer sits under {@code config}, and its shape, in role order. */
    public static List<ProjectionSite> sites(BertConfig config) {
        return ProjectionSite.encoderLayer(
                BertParameterNames::path, config.hiddenSize(), config.intermediateSize());
    }

    /** {@code [out, in]} of a projection under {@code config}. */
    public static long[] weightShape(BertConfig config, Projection projection) {
        return sites(config).get(Projection.ENCODER_LAYER.indexOf(projection)).weightShape();
    }

    public static String layerPrefix(int layer) {
        return "encoder.layer." + layer + ".";
    }

    public static String attentionNorm(int layer) {
        return layerPrefix(layer) + "attention.output.LayerNorm";
    }

    public static String outputNorm(int layer) {
        return layerPrefix(layer) + "output.LayerNorm";
    }

    /** Every parameter the encoder needs, with its expected shape, in a stable order. */
    public static Map<String, long[]> expectedShapes(BertConfig config) {
        long h = config.hiddenSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(WORD_EMBEDDINGS, new long[] {config.vocabSize(), h});
        shapes.put(POSITION_EMBEDDINGS, new long[] {config.maxPositions(), h});
        shapes.put(TOKEN_TYPE_EMBEDDINGS, new long[] {config.typeVocabSize(), h});
        putNorm(shapes, EMBEDDINGS_NORM, h);
        for (int layer = 0; layer < config.layers(); layer++) {
            for (ProjectionSite site : sites(config)) {
                shapes.put(weight(layer, site.role()), site.weightShape());
                shapes.put(bias(layer, site.role()), new long[] {site.out()});
            }
            putNorm(shapes, attentionNorm(layer), h);
            putNorm(shapes, outputNorm(layer), h);
        }
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
    public static BackboneParameters<BertConfig> parameters(
            BertConfig config, Map<String, NDArray> available) throws WeightLoadException {
        return BackboneParameters.pick(config, expectedShapes(config), available);
    }
}
