package dev.fmplex.engine.extension.head;

/** A head could not produce valid outputs for its rows (for example NaN weights). */
public class HeadFailure extends RuntimeException {

    public HeadFailure(String message) {
        super(message);
    }
}
