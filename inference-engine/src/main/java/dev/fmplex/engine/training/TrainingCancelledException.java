package dev.fmplex.engine.training;

/** Thrown by a trainer that saw its job cancelled between two steps; nothing is kept. */
public final class TrainingCancelledException extends RuntimeException {

    public TrainingCancelledException(String message) {
        super(message);
    }
}
