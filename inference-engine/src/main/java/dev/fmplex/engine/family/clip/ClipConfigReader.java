package dev.fmplex.engine.family.clip;

import dev.fmplex.engine.checkpoint.ConfigFields;
import dev.fmplex.engine.checkpoint.WeightLoadException;

/**
 * Reads a CLIP {@code config.json} ({@code model_type: clip}) with its {@code text_config} and
 * {@code vision_config}; the legacy {@code text_config_dict} and {@code vision_config_dict} of old
 * hub files override them, as transformers reads them. Activations other than {@code quick_gelu}
 * and {@code gelu} are refused by field.
 */
final class ClipConfigReader {

    private ClipConfigReader() {}

    public static ClipConfig read(byte[] configJson) throws WeightLoadException {
        ConfigFields root = ConfigFields.parse(ClipCheckpoint.CONFIG_FILE, configJson);
        String modelType = root.optionalString("model_type", "clip");
        if (!modelType.equals("clip")) {
            throw new WeightLoadException(
                    "config.json model_type '" + modelType + "' is not supported; expected clip");
        }
        ConfigFields text = tower(root, "text_config");
        ConfigFields vision = tower(root, "vision_config");
        // Absent fields take CLIPTextConfig's and CLIPVisionConfig's defaults.
        try {
            return new ClipConfig(
                    new ClipConfig.Text(
                            text.optionalInt("hidden_size", 512),
                            text.optionalInt("num_hidden_layers", 12),
                            text.optionalInt("num_attention_heads", 8),
                            text.optionalInt("intermediate_size", 2048),
                            text.optionalInt("vocab_size", 49408),
                            text.optionalInt("max_position_embeddings", 77),
                            (float) text.optionalDouble("layer_norm_eps", 1e-5),
                            quickGelu(text, "text_config"),
                            text.optionalInt("eos_token_id", 49407)),
                    new ClipConfig.Vision(
                            vision.optionalInt("hidden_size", 768),
                            vision.optionalInt("num_hidden_layers", 12),
                            vision.optionalInt("num_attention_heads", 12),
                            vision.optionalInt("intermediate_size", 3072),
                            vision.optionalInt("image_size", 224),
                            vision.optionalInt("patch_size", 32),
                            vision.optionalInt("num_channels", 3),
                            (float) vision.optionalDouble("layer_norm_eps", 1e-5),
                            quickGelu(vision, "vision_config")),
                    root.optionalInt("projection_dim", 512));
        } catch (IllegalArgumentException e) {
            throw new WeightLoadException("config.json: " + e.getMessage(), e);
        }
    }

    private static ConfigFields tower(ConfigFields root, String field) throws WeightLoadException {
        ConfigFields legacy = root.object(field + "_dict");
        if (legacy != null) {
            return legacy;
        }
        ConfigFields tower = root.object(field);
        if (tower == null) {
            throw new WeightLoadException("config.json has no " + field + " object");
        }
        return tower;
    }

    private static boolean quickGelu(ConfigFields tower, String name) throws WeightLoadException {
        String activation = tower.optionalString("hidden_act", "quick_gelu");
        return switch (activation) {
            case "quick_gelu" -> true;
            case "gelu" -> false;
            default ->
                    throw new WeightLoadException(
                            "config.json "
                                    + name
                                    + ".hidden_act '"
                                    + activation
                                    + "' is not supported; expected quick_gelu or gelu");
        };
    }
}
