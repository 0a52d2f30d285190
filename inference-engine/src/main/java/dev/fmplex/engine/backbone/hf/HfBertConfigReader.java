package dev.fmplex.engine.backbone.hf;

import dev.fmplex.engine.backbone.BertConfig;
import dev.fmplex.engine.backbone.WeightLoadException;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a BERT {@code config.json}. Fields that change the computation but that the native encoder
 * does not implement (another activation, relative positions, another model type) are rejected by
 * name rather than silently ignored.
 */
public final class HfBertConfigReader {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> SUPPORTED_MODEL_TYPES = Set.of("bert");
    private static final Set<String> SUPPORTED_ACTIVATIONS = Set.of("gelu");

    private HfBertConfigReader() {}

    public static BertConfig read(byte[] configJson) throws WeightLoadException {
        JsonNode root;
        try {
            root = JSON.readTree(configJson);
        } catch (JacksonException e) {
            throw new WeightLoadException(
                    "config.json is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new WeightLoadException("config.json must hold a JSON object");
        }
        String modelType = optionalString(root, "model_type", "bert");
        if (!SUPPORTED_MODEL_TYPES.contains(modelType)) {
            throw new WeightLoadException(
                    "config.json model_type '" + modelType + "' is not supported; expected bert");
        }
        String activation = optionalString(root, "hidden_act", "gelu");
        if (!SUPPORTED_ACTIVATIONS.contains(activation)) {
            throw new WeightLoadException(
                    "config.json hidden_act '" + activation + "' is not supported; expected gelu");
        }
        String positions = optionalString(root, "position_embedding_type", "absolute");
        if (!positions.equals("absolute")) {
            throw new WeightLoadException(
                    "config.json position_embedding_type '"
                            + positions
                            + "' is not supported; expected absolute");
        }
        try {
            return new BertConfig(
                    requiredInt(root, "vocab_size"),
                    requiredInt(root, "hidden_size"),
                    requiredInt(root, "num_hidden_layers"),
                    requiredInt(root, "num_attention_heads"),
                    requiredInt(root, "intermediate_size"),
                    requiredInt(root, "max_position_embeddings"),
                    optionalInt(root, "type_vocab_size", 2),
                    (float) optionalDouble(root, "layer_norm_eps", 1e-12));
        } catch (IllegalArgumentException e) {
            throw new WeightLoadException("config.json: " + e.getMessage(), e);
        }
    }

    private static int requiredInt(JsonNode root, String field) throws WeightLoadException {
        JsonNode node = root.get(field);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new WeightLoadException("config.json field '" + field + "' must be an integer");
        }
        return node.intValue();
    }

    private static int optionalInt(JsonNode root, String field, int fallback)
            throws WeightLoadException {
        return root.has(field) ? requiredInt(root, field) : fallback;
    }

    private static double optionalDouble(JsonNode root, String field, double fallback)
            throws WeightLoadException {
        JsonNode node = root.get(field);
        if (node == null) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw new WeightLoadException("config.json field '" + field + "' must be a number");
        }
        return node.doubleValue();
    }

    private static String optionalString(JsonNode root, String field, String fallback)
            throws WeightLoadException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isString()) {
            throw new WeightLoadException("config.json field '" + field + "' must be a string");
        }
        return node.stringValue();
    }
}
