package dev.fmplex.engine.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The frame every Hugging Face checkpoint loader shares: read and check {@code config.json}, decode
 * the wanted tensors of {@code model.safetensors} under the family's canonical names, and pick
 * exactly the parameters the configuration requires. A family supplies the three parts that differ.
 *
 * @param configReader reads the family's {@code config.json}, refusing what it cannot run
 * @param canonicalName a stored tensor's canonical name, or null for tensors the encoder does not
 *     use (a prefix such as {@code bert.} dropped, old spellings mapped)
 * @param expectedShapes every parameter a configuration requires, with its shape
 * @param <C> the family's architecture configuration
 */
public record HfCheckpointLayout<C>(
        ConfigReader<C> configReader,
        UnaryOperator<String> canonicalName,
        Function<C, Map<String, long[]>> expectedShapes) {

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";

    /** Reads a family's {@code config.json}. */
    @FunctionalInterface
    public interface ConfigReader<C> {
        C read(byte[] configJson) throws WeightLoadException;
    }

    /** Loads and validates the checkpoint in {@code directory} into {@code manager}. */
    public BackboneParameters<C> load(Path directory, NDManager manager)
            throws WeightLoadException {
        C config = configReader.read(CheckpointFiles.read(directory.resolve(CONFIG_FILE)));
        return load(config, CheckpointFiles.read(directory.resolve(WEIGHTS_FILE)), manager);
    }

    /** Builds the parameters for {@code config} from the bytes of a safetensors file. */
    public BackboneParameters<C> load(C config, byte[] safetensors, NDManager manager)
            throws WeightLoadException {
        Map<String, NDArray> canonical =
                CheckpointFiles.decodeCanonical(safetensors, manager, canonicalName);
        return BackboneParameters.pick(config, expectedShapes.apply(config), canonical);
    }
}
