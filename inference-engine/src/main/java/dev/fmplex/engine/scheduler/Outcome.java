package dev.fmplex.engine.scheduler;

/** What running one {@link Work} item produced. */
public sealed interface Outcome<R> {

    record Done<R>(R result) implements Outcome<R> {}

    /** The item failed alone (its vFM's head, for example); the batch's other items are not. */
    record Failed<R>(RuntimeException error) implements Outcome<R> {}
}
