package dev.fmplex.engine.family.clip;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.HfCheckpointLayout;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.nio.file.Path;

/**
 * Loads a {@code CLIPModel} checkpoint directory. The int64 {@code position_ids} buffers older
 * checkpoints (the openai ones among them) still carry are positions 0..n-1 and are skipped.
 */
public final class ClipCheckpoint {

    public static final String CONFIG_FILE = HfCheckpointLayout.CONFIG_FILE;
    public static final String WEIGHTS_FILE = HfCheckpointLayout.WEIGHTS_FILE;

    private ClipCheckpoint() {}

    private static final HfCheckpointLayout<ClipConfig> LAYOUT =
            new HfCheckpointLayout<>(
                    ClipConfigReader::read,
                    ClipCheckpoint::canonicalName,
                    ClipParameterNames::expectedShapes);

    /** Loads and validates the checkpoint in {@code directory} into {@code manager}. */
    public static BackboneParameters<ClipConfig> load(Path directory, NDManager manager)
            throws WeightLoadException {
        return LAYOUT.load(directory, manager);
    }

    /** Builds weights for {@code config} from the bytes of a safetensors file. */
    public static BackboneParameters<ClipConfig> load(
            ClipConfig config, byte[] safetensors, NDManager manager) throws WeightLoadException {
        return LAYOUT.load(config, safetensors, manager);
    }

    /** Every stored tensor but the legacy {@code position_ids} buffers, under its own name. */
    static String canonicalName(String stored) {
        return stored.endsWith(".position_ids") ? null : stored;
    }
}
