package dev.fmplex.engine.family.vit;

import dev.fmplex.engine.checkpoint.HfCheckpointLayout;

/**
 * A ViT checkpoint in Hugging Face layout: {@code config.json} and {@code model.safetensors}, as
 * {@code ViTModel.save_pretrained} (no prefix) or {@code ViTForImageClassification} ({@code vit.}
 * prefix, plus a {@code classifier} this loader leaves to heads) write them. The pooler, which
 * classification does not use, is ignored.
 */
public final class VitCheckpoint {

    public static final String CONFIG_FILE = HfCheckpointLayout.CONFIG_FILE;
    public static final String WEIGHTS_FILE = HfCheckpointLayout.WEIGHTS_FILE;

    /** How a checkpoint of this family is read: see {@link HfCheckpointLayout}. */
    public static final HfCheckpointLayout<VitConfig> LAYOUT =
            new HfCheckpointLayout<>(
                    VitConfigReader::read,
                    VitCheckpoint::canonicalName,
                    VitParameterNames::expectedShapes);

    private VitCheckpoint() {}

    /** The canonical name of a stored tensor, or null for tensors the encoder does not use. */
    static String canonicalName(String stored) {
        String name = stored.startsWith("vit.") ? stored.substring("vit.".length()) : stored;
        boolean encoder =
                name.startsWith("embeddings.")
                        || name.startsWith("encoder.layer.")
                        || name.startsWith(VitParameterNames.FINAL_NORM + ".");
        return encoder ? name : null;
    }
}
