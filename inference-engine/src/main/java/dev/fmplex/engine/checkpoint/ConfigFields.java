package dev.fmplex.engine.checkpoint;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Typed fields of a Hugging Face JSON file ({@code config.json}, {@code preprocessor_config.json}):
 * every wrong type is a {@link WeightLoadException} naming the file and the field, and an absent
 * optional field takes the default the library itself uses.
 */
public final class ConfigFields {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String file;
    private final JsonNode root;

    private ConfigFields(String file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /** Parses {@code json}, which must hold a JSON object. */
    public static ConfigFields parse(String file, byte[] json) throws WeightLoadException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new WeightLoadException(
                    file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new WeightLoadException(file + " must hold a JSON object");
        }
        return new ConfigFields(file, root);
    }

    /** The object under {@code field}, read with the same file name in its messages, or null. */
    public ConfigFields object(String field) {
        JsonNode node = root.get(field);
        return node != null && node.isObject() ? new ConfigFields(file, node) : null;
    }

    public JsonNode node(String field) {
        return root.get(field);
    }

    public int requiredInt(String field) throws WeightLoadException {
        JsonNode node = root.get(field);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
            throw error(field, "must be an integer");
        }
        return node.intValue();
    }

    public int optionalInt(String field, int fallback) throws WeightLoadException {
        return root.has(field) ? requiredInt(field) : fallback;
    }

    public double optionalDouble(String field, double fallback) throws WeightLoadException {
        JsonNode node = root.get(field);
        if (node == null) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw error(field, "must be a number");
        }
        return node.doubleValue();
    }

    public boolean optionalBoolean(String field, boolean fallback) throws WeightLoadException {
        JsonNode node = root.get(field);
        if (node == null) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw error(field, "must be true or false");
        }
        return node.booleanValue();
    }

    public String optionalString(String field, String fallback) throws WeightLoadException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isString()) {
            throw error(field, "must be a string");
        }
        return node.stringValue();
    }

    /** {@code file field 'name' <problem>}: the shape of every message about a field. */
    public WeightLoadException error(String field, String problem) {
        return new WeightLoadException(file + " field '" + field + "' " + problem);
    }
}
