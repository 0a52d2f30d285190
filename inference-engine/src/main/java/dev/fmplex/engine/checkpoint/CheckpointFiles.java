package dev.fmplex.engine.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** What every Hugging Face checkpoint loader does the same way: read its files, rename tensors. */
public final class CheckpointFiles {

    private CheckpointFiles() {}

    /** The bytes of {@code file}; a missing or unreadable file is a load error naming it. */
    public static byte[] read(Path file) throws WeightLoadException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new WeightLoadException("checkpoint file missing: " + file, e);
        } catch (IOException e) {
            throw new WeightLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes the tensors of a {@code model.safetensors} that {@code canonicalName} maps to a name
     * (null: not used), under their canonical names. Two stored tensors with one canonical name
     * (with and without a model prefix) are an error.
     */
    public static Map<String, NDArray> decodeCanonical(
            byte[] safetensors, NDManager manager, UnaryOperator<String> canonicalName)
            throws WeightLoadException {
        Map<String, NDArray> raw;
        try {
            raw =
                    SafetensorsTensors.decode(
                            safetensors, manager, name -> canonicalName.apply(name) != null);
        } catch (WeightLoadException e) {
            throw new WeightLoadException(
                    HfCheckpointLayout.WEIGHTS_FILE + ": " + e.getMessage(), e);
        }
        Map<String, NDArray> canonical = new HashMap<>();
        for (Map.Entry<String, NDArray> entry : raw.entrySet()) {
            String name = canonicalName.apply(entry.getKey());
            if (canonical.put(name, entry.getValue()) != null) {
                throw new WeightLoadException(
                        "tensor '" + name + "' appears twice (with and without a prefix)");
            }
        }
        return canonical;
    }
}
