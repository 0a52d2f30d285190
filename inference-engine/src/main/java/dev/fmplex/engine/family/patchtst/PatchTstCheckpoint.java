package dev.fmplex.engine.family.patchtst;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.CheckpointFiles;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the encoder of a PatchTST checkpoint directory: a bare {@code PatchTSTModel} or a task
 * model ({@code PatchTSTForPrediction}, {@code ...ForClassification}, {@code ...ForRegression}),
 * whose encoder keys carry {@code model.}. The task model's {@code head.*} and BatchNorm's {@code
 * num_batches_tracked} counters are not part of the encoder and are skipped.
 */
public final class PatchTstCheckpoint {

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";

    private PatchTstCheckpoint() {}

    public static BackboneParameters<PatchTstConfig> load(Path directory, NDManager manager)
            throws WeightLoadException {
        PatchTstConfig config =
                PatchTstConfigReader.read(CheckpointFiles.read(directory.resolve(CONFIG_FILE)));
        return load(config, CheckpointFiles.read(directory.resolve(WEIGHTS_FILE)), manager);
    }

    public static BackboneParameters<PatchTstConfig> load(
            PatchTstConfig config, byte[] safetensors, NDManager manager)
            throws WeightLoadException {
        Map<String, NDArray> canonical =
                CheckpointFiles.decodeCanonical(
                        safetensors, manager, PatchTstCheckpoint::canonicalName);
        return PatchTstParameterNames.parameters(config, canonical);
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
