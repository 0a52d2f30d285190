package dev.fmplex.engine.backbone.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.backbone.WeightLoadException;
import dev.fmplex.engine.backbone.hf.CheckpointFiles;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a {@code CLIPModel} checkpoint directory. The int64 {@code position_ids} buffers older
 * checkpoints (the openai ones among them) still carry are positions 0..n-1 and are skipped.
 */
public final class HfClipCheckpoint {

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";

    private HfClipCheckpoint() {}

    public static ClipWeights load(Path directory, NDManager manager) throws WeightLoadException {
        ClipConfig config =
                HfClipConfigReader.read(CheckpointFiles.read(directory.resolve(CONFIG_FILE)));
        return load(config, CheckpointFiles.read(directory.resolve(WEIGHTS_FILE)), manager);
    }

    public static ClipWeights load(ClipConfig config, byte[] safetensors, NDManager manager)
            throws WeightLoadException {
        Map<String, NDArray> tensors =
                CheckpointFiles.decodeCanonical(
                        safetensors, manager, name -> name.endsWith(".position_ids") ? null : name);
        return ClipWeights.of(config, tensors);
    }
}
