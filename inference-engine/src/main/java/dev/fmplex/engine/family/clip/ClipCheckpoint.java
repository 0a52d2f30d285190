package dev.fmplex.engine.family.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.CheckpointFiles;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a {@code CLIPModel} checkpoint directory. The int64 {@code position_ids} buffers older
 * checkpoints (the openai ones among them) still carry are positions 0..n-1 and are skipped.
 */
public final class ClipCheckpoint {

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";

    private ClipCheckpoint() {}

    public static BackboneParameters<ClipConfig> load(Path directory, NDManager manager)
            throws WeightLoadException {
        ClipConfig config =
                ClipConfigReader.read(CheckpointFiles.read(directory.resolve(CONFIG_FILE)));
        return load(config, CheckpointFiles.read(directory.resolve(WEIGHTS_FILE)), manager);
    }

    public static BackboneParameters<ClipConfig> load(
            ClipConfig config, byte[] safetensors, NDManager manager) throws WeightLoadException {
        Map<String, NDArray> tensors =
                CheckpointFiles.decodeCanonical(
                        safetensors, manager, name -> name.endsWith(".position_ids") ? null : name);
        return ClipParameterNames.parameters(config, tensors);
    }
}
