package dev.fmplex.engine.backbone.vit;

import dev.fmplex.engine.backbone.WeightLoadException;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a ViT {@code config.json} ({@code model_type: vit}). Fields that change the computation in
 * ways the native encoder does not implement (another activation, no bias on query/key/value) are
 * rejected by name rather than ignored.
 */
public final class HfVitConfigReader {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> SUPPORTED_ACTIVATIONS = Set.of("gelu");

    private HfVitConfigReader() {}

    public static VitConfig read(byte[] configJson) throws WeightLoadException {
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
        String modelType = text(root, "model_type", "vit");
        if (!modelType.equals("vit")) {
            throw new WeightLoadException(
                    "config.json model_type '" + modelType + "' is not supported; expected vit");
        }
        String activation = text(root, "hidden_act", "gelu");
        if (!SUPPORTED_ACTIVATIONS.contains(activation)) {
            throw new WeightLoadException(
                    "config.json hidden_act '" + activation + "' is not supported; expected gelu");
        }
        JsonNode qkvBias = root.get("qkv_bias");
        if (qkvBias != null && !(qkvBias.isBoolean() && qkvBias.booleanValue())) {
            throw new WeightLoadException(
                    "config.json qkv_bias must be true (query, key and value with bias)");
        }
        try {
            return new VitConfig(
                    integer(root, "hidden_size", 768),
                    integer(root, "num_hidden_layers", 12),
                    integer(root, "num_attention_heads", 12),
                    integer(root, "intermediate_size", 3072),
                    integer(root, "image_size", 224),
                    integer(root, "patch_size", 16),
                    integer(root, "num_channels", 3),
                    (float) number(root, "layer_norm_eps", 1e-12));
        } catch (IllegalArgumentException e) {
            throw new WeightLoadException("config.json: " + e.getMessage(), e);
        }
    }

    /** An integer field; {@code ViTConfig}'s default when absent, as transformers reads it. */
    private static int integer(JsonNode root, String field, int fallback)
            throws WeightLoadException {
        JsonNode node = root.get(field);
        if (node == null) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new WeightLoadException("config.json field '" + field + "' must be an integer");
        }
        return node.intValue();
    }

    private static double number(JsonNode root, String field, double fallback)
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

    private static String text(JsonNode root, String field, String fallback)
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
