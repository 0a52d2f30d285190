package dev.fmplex.model.safetensors;

/** A safetensors file whose header or layout is not what the format requires. */
public class SafetensorsFormatException extends Exception {

    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
