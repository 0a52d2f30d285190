package dev.fmplex.engine.family.vit;

import dev.fmplex.engine.checkpoint.ConfigFields;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.util.Set;

/**
 * Reads a ViT {@code config.json} ({@code model_type: vit}). Fields that change the computation in
 * ways the native encoder does not implement (another activation, no bias on query/key/value) are
 * rejected by name rather than ignored.
 */
final class VitConfigReader {

    private static final Set<String> SUPPORTED_ACTIVATIONS = Set.of("gelu");

    private VitConfigReader() {}

    public static VitConfig read(byte[] configJson) throws WeightLoadException {
        ConfigFields root = ConfigFields.parse(VitCheckpoint.CONFIG_FILE, configJson);
        String modelType = root.optionalString("model_type", "vit");
        if (!modelType.equals("vit")) {
            throw new WeightLoadException(
                    "config.json model_type '" + modelType + "' is not supported; expected vit");
        }
        String activation = root.optionalString("hidden_act", "gelu");
        if (!SUPPORTED_ACTIVATIONS.contains(activation)) {
            throw new WeightLoadException(
                    "config.json hidden_act '" + activation + "' is not supported; expected gelu");
        }
        if (!root.optionalBoolean("qkv_bias", true)) {
            throw new WeightLoadException(
                    "config.json qkv_bias must be true (query, key and value with bias)");
        }
        // Absent fields take ViTConfig's defaults, as transformers reads them.
        try {
            return new VitConfig(
                    root.optionalInt("hidden_size", 768),
                    root.optionalInt("num_hidden_layers", 12),
                    root.optionalInt("num_attention_heads", 12),
                    root.optionalInt("intermediate_size", 3072),
                    root.optionalInt("image_size", 224),
                    root.optionalInt("patch_size", 16),
                    root.optionalInt("num_channels", 3),
                    (float) root.optionalDouble("layer_norm_eps", 1e-12));
        } catch (IllegalArgumentException e) {
            throw new WeightLoadException("config.json: " + e.getMessage(), e);
        }
    }
}
