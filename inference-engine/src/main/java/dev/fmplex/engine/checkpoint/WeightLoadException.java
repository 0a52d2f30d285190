package dev.fmplex.engine.checkpoint;

/**
 * A checkpoint that cannot become a backbone: missing or misshaped tensors, an unsupported dtype,
 * an inconsistent configuration. The message names the tensor or field and what was expected.
 */
public class WeightLoadException extends Exception {

    public WeightLoadException(String message) {
        super(message);
    }

    public WeightLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
