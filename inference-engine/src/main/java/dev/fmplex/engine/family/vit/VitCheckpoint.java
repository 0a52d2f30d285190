package dev.fmplex.engine.family.vit;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.HfCheckpointLayout;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.nio.file.Path;

/**
 * A ViT checkpoint in Hugging Face layout: {@code config.json} and {@code model.safetensors}, as
 * {@code ViTModel.save_pretrained} (no prefix) or {@code ViTForImageClassification} ({@code vit.}
 * prefix, plus a {@code classifier} this loader leaves to heads) write them. The pooler, which
 * classification does not use, is ignored.
 */
public final class VitCheckpoint {

    public static final String CONFIG_FILE = HfCheckpointLayout.CONFIG_FILE;
    public static final String WEIGHTS_FILE = HfCheckpointLayout.WEIGHTS_FILE;

    private VitCheckpoint() {}

    private static final HfCheckpointLayout<VitConfig> LAYOUT =
            new HfCheckpointLayout<>(
                    VitConfigReader::read,
                    VitCheckpoint::canonicalName,
                    VitParameterNames::expectedShapes);

    /** Loads and validates the checkpoint in {@code directory} into {@code manager}. */
    public static BackboneParameters<VitConfig> load(Path directory, NDManager manager)
            throws WeightLoadException {
        return LAYOUT.load(directory, manager);
    }

    /** Builds weights for {@code config} from the bytes of a safetensors file. */
    public static BackboneParameters<VitConfig> load(
            VitConfig config, byte[] safetensors, NDManager manager) throws WeightLoadException {
        return LAYOUT.load(config, safetensors, manager);
    }

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
