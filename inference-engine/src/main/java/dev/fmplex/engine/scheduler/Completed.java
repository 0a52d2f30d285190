package dev.fmplex.engine.scheduler;

/**
 * A finished request with where its time went.
 *
 * @param queueMs admission to the start of its batch
 * @param computeMs its batch's execution time
 * @param batchRows rows in its batch (all vFMs)
 * @param batchTasks distinct vFMs in its batch
 */
public record Completed<R>(
        R result, double queueMs, double computeMs, int batchRows, int batchTasks) {}
