package dev.fmplex.engine.family.patchtst;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.HfCheckpointLayout;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.nio.file.Path;

/**
 * Loads the encoder of a PatchTST checkpoint directory: a bare {@code PatchTSTModel} or a task
 * model ({@code PatchTSTForPrediction}, {@code ...ForClassification}, {@code ...ForRegression}),
 * whose encoder keys carry {@code model.}. The task model's {@code head.*} and BatchNorm's {@code
 * num_batches_tracked} counters are not part of the encoder and are skipped.
 */
public final class PatchTstCheckpoint {

    public static final String CONFIG_FILE = HfCheckpointLayout.CONFIG_FILE;
    public static final String WEIGHTS_FILE = HfCheckpointLayout.WEIGHTS_FILE;

    private PatchTstCheckpoint() {}

    private static final HfCheckpointLayout<PatchTstConfig> LAYOUT =
            new HfCheckpointLayout<>(
                    PatchTstConfigReader::read,
                    PatchTstCheckpoint::canonicalName,
                    PatchTstParameterNames::expectedShapes);

    /** Loads and validates the checkpoint in {@code directory} into {@code manager}. */
    public static BackboneParameters<PatchTstConfig> load(Path directory, NDManager manager)
            throws WeightLoadException {
        return LAYOUT.load(directory, manager);
    }

    /** Builds weights for {@code config} from the bytes of a safetensors file. */
    public static BackboneParameters<PatchTstConfig> load(
            PatchTstConfig config, byte[] safetensors, NDManager manager)
            throws WeightLoadException {
        return LAYOUT.load(config, safetensors, manager);
    }

    /** The canonical name of a stored tensor, or null for tensors the encoder does not use. */
    static String canonicalName(String stored) {
        String name = stored.startsWith("model.") ? stored.substring("model.".length()) : stored;
        if (!name.startsWith("encoder.") || name.endsWith(".num_batches_tracked")) {
            return null;
        }
        return name;
    }
}
