package dev.fmplex.engine.family.patchtst;

import dev.fmplex.engine.checkpoint.HfCheckpointLayout;

/**
 * Loads the encoder of a PatchTST checkpoint directory: a bare {@code PatchTSTModel} or a task
 * model ({@code PatchTSTForPrediction}, {@code ...ForClassification}, {@code ...ForRegression}),
 * whose encoder keys carry {@code model.}. The task model's {@code head.*} and BatchNorm's {@code
 * num_batches_tracked} counters are not part of the encoder and are skipped.
 */
public final class PatchTstCheckpoint {

    public static final String CONFIG_FILE = HfCheckpointLayout.CONFIG_FILE;
    public static final String WEIGHTS_FILE = HfCheckpointLayout.WEIGHTS_FILE;

    /** How a checkpoint of this family is read: see {@link HfCheckpointLayout}. */
    public static final HfCheckpointLayout<PatchTstConfig> LAYOUT =
            new HfCheckpointLayout<>(
                    PatchTstConfigReader::read,
                    PatchTstCheckpoint::canonicalName,
                    PatchTstParameterNames::expectedShapes);

    private PatchTstCheckpoint() {}

    /** The canonical name of a stored tensor, or null for tensors the encoder does not use. */
    static String canonicalName(String stored) {
        String name = stored.startsWith("model.") ? stored.substring("model.".length()) : stored;
        if (!name.startsWith("encoder.") || name.endsWith(".num_batches_tracked")) {
            return null;
        }
        return name;
    }
}
