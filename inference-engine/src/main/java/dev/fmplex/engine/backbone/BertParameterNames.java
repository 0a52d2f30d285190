package dev.fmplex.engine.backbone;

import java.util.LinkedHashMap;
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

    /** The six linear projections of one layer, in the order the forward pass runs them. */
    public enum LayerLinear {
        QUERY("attention.self.query"),
        KEY("attention.self.key"),
        VALUE("attention.self.value"),
        ATTENTION_OUTPUT("attention.output.dense"),
        INTERMEDIATE("intermediate.dense"),
        OUTPUT("output.dense");

        private final String path;

        LayerLinear(String path) {
            this.path = path;
        }

        /** The module path inside a layer, e.g. {@code attention.self.query}. */
        public String path() {
            return path;
        }

        public String weight(int layer) {
            return layerPrefix(layer) + path + ".weight";
        }

        public String bias(int layer) {
            return layerPrefix(layer) + path + ".bias";
        }

        /** {@code [out, in]} of this projection under {@code config}. */
        public long[] weightShape(BertConfig config) {
            long h = config.hiddenSize();
            long i = config.intermediateSize();
            return switch (this) {
                case INTERMEDIATE -> new long[] {i, h};
                case OUTPUT -> new long[] {h, i};
                default -> new long[] {h, h};
            };
        }
    }

    private BertParameterNames() {}

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
            for (LayerLinear linear : LayerLinear.values()) {
                long[] weight = linear.weightShape(config);
                shapes.put(linear.weight(layer), weight);
                shapes.put(linear.bias(layer), new long[] {weight[0]});
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
}
