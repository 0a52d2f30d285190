package dev.fmplex.engine.family.patchtst;

import dev.fmplex.engine.checkpoint.ConfigFields;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.family.patchtst.PatchTstConfig.Scaling;
import tools.jackson.databind.JsonNode;

/**
 * Reads a PatchTST {@code config.json} ({@code model_type: patchtst}). Settings that change the
 * computation in ways the native encoder does not implement (channel attention, one embedding per
 * channel, another activation or norm) are refused by name rather than ignored; fields that only
 * matter in training (masking, dropout) or to the checkpoint's own head are ignored.
 */
final class PatchTstConfigReader {

    private PatchTstConfigReader() {}

    public static PatchTstConfig read(byte[] configJson) throws WeightLoadException {
        ConfigFields root = ConfigFields.parse(PatchTstCheckpoint.CONFIG_FILE, configJson);
        String modelType = root.optionalString("model_type", "patchtst");
        if (!modelType.equals("patchtst")) {
            throw new WeightLoadException(
                    "config.json model_type '"
                            + modelType
                            + "' is not supported; expected patchtst");
        }
        refuse(root.optionalBoolean("channel_attention", false), "channel_attention must be false");
        refuse(
                !root.optionalBoolean("share_embedding", true),
                "share_embedding must be true (one patch embedding for every channel)");
        String activation = root.optionalString("activation_function", "gelu");
        refuse(
                !activation.equals("gelu"),
                "activation_function '" + activation + "' is not supported; expected gelu");
        String norm = root.optionalString("norm_type", "batchnorm");
        refuse(
                !norm.equals("batchnorm") && !norm.equals("layernorm"),
                "norm_type '" + norm + "' is not supported; expected batchnorm or layernorm");
        // Absent fields take PatchTSTConfig's defaults, as transformers reads them.
        try {
            return new PatchTstConfig(
                    root.optionalInt("num_input_channels", 1),
                    root.optionalInt("context_length", 32),
                    root.optionalInt("patch_length", 1),
                    root.optionalInt("patch_stride", 1),
                    root.optionalInt("num_hidden_layers", 3),
                    root.optionalInt("d_model", 128),
                    root.optionalInt("num_attention_heads", 4),
                    root.optionalInt("ffn_dim", 512),
                    norm.equals("layernorm"),
                    (float) root.optionalDouble("norm_eps", 1e-5),
                    root.optionalBoolean("bias", true),
                    root.optionalBoolean("pre_norm", true),
                    root.optionalBoolean("use_cls_token", false),
                    scaling(root.node("scaling")));
        } catch (IllegalArgumentException e) {
            throw new WeightLoadException("config.json: " + e.getMessage(), e);
        }
    }

    /**
     * transformers' rule: {@code "mean"} or {@code true} is the mean scaler, {@code "std"} (the
     * default) the standard one, anything else none.
     */
    private static Scaling scaling(JsonNode node) {
        if (node == null) {
            return Scaling.STD;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? Scaling.MEAN : Scaling.NONE;
        }
        if (node.isString()) {
            return switch (node.stringValue()) {
                case "mean" -> Scaling.MEAN;
                case "std" -> Scaling.STD;
                default -> Scaling.NONE;
            };
        }
        return Scaling.NONE;
    }

    private static void refuse(boolean condition, String message) throws WeightLoadException {
        if (condition) {
            throw new WeightLoadException("config.json " + message);
        }
    }
}
