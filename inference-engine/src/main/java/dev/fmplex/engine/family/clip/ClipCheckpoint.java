package dev.fmplex.engine.family.clip;

import dev.fmplex.engine.checkpoint.HfCheckpointLayout;

/**
 * Loads a {@code CLIPModel} checkpoint directory. The int64 {@code position_ids} buffers older
 * checkpoints (the openai ones among them) still carry are positions 0..n-1 and are skipped.
 */
public final class ClipCheckpoint {

    public static final String CONFIG_FILE = HfCheckpointLayout.CONFIG_FILE;
    public static final String WEIGHTS_FILE = HfCheckpointLayout.WEIGHTS_FILE;

    /** How a checkpoint of this family is read: see {@link HfCheckpointLayout}. */
    public static final HfCheckpointLayout<ClipConfig> LAYOUT =
            new HfCheckpointLayout<>(
                    ClipConfigReader::read,
                    ClipCheckpoint::canonicalName,
                    ClipParameterNames::expectedShapes);

    private ClipCheckpoint() {}

    /** Every stored tensor but the legacy {@code position_ids} buffers, under its own name. */
    static String canonicalName(String stored) {
        return stored.endsWith(".position_ids") ? null : stored;
    }
}
