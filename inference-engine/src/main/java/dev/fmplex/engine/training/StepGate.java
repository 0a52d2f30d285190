package dev.fmplex.engine.training;

/**
 * How a trainer gets the backbone's time: each forward-backward pass goes through it. A worker
 * passes one that queues the pass on the backbone's fair scheduler as background work, so serving
 * vFMs keep their shares; a test may run it in place.
 */
@FunctionalInterface
public interface StepGate {

    /** Runs it in place, on the calling thread. */
    StepGate DIRECT = (rows, length, pass) -> pass.run();

    /**
     * Runs {@code pass} and returns when it has run.
     *
     * @param rows,length its size, for the scheduler's cost estimate
     * @throws RuntimeException what {@code pass} threw, or why it could not run
     */
    void run(int rows, int length, Runnable pass);
}
