package dev.fmplex.engine.family.bert;

import dev.fmplex.engine.checkpoint.ConfigFields;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.util.Set;

/**
 * Reads a BERT {@code config.json}. Fields that change the computation but that the native encoder
 * does not implement (another activation, relative positions, another model type) are rejected by
 * name rather than silently ignored.
 */
final class BertConfigReader {

    private static final Set<String> SUPPORTED_MODEL_TYPES = Set.of("bert");
    private static final Set<String> SUPPORTED_ACTIVATIONS = Set.of("gelu");

    private BertConfigReader() {}

    public static BertConfig read(byte[] configJson) throws WeightLoadException {
        ConfigFields root = ConfigFields.parse(BertCheckpoint.CONFIG_FILE, configJson);
        String modelType = root.optionalString("model_type", "bert");
        if (!SUPPORTED_MODEL_TYPES.contains(modelType)) {
            throw new WeightLoadException(
                    "config.json model_type '" + modelType + "' is not supported; expected bert");
        }
        String activation = root.optionalString("hidden_act", "gelu");
        if (!SUPPORTED_ACTIVATIONS.contains(activation)) {
            throw new WeightLoadException(
                    "config.json hidden_act '" + activation + "' is not supported; expected gelu");
        }
        String positions = root.optionalString("position_embedding_type", "absolute");
        if (!positions.equals("absolute")) {
            throw new WeightLoadException(
                    "config.json position_embedding_type '"
                            + positions
                            + "' is not supported; expected absolute");
        }
        try {
            return new BertConfig(
                    root.requiredInt("vocab_size"),
                    root.requiredInt("hidden_size"),
                    root.requiredInt("num_hidden_layers"),
                    root.requiredInt("num_attention_heads"),
                    root.requiredInt("intermediate_size"),
                    root.requiredInt("max_position_embeddings"),
                    root.optionalInt("type_vocab_size", 2),
                    (float) root.optionalDouble("layer_norm_eps", 1e-12));
        } catch (IllegalArgumentException e) {
            throw new WeightLoadException("config.json: " + e.getMessage(), e);
        }
    }
}
