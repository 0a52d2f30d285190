package dev.fmplex.model.api;

/**
 * Where a request's time went.
 *
 * @param queueMs from admission until its batch started computing
 * @param computeMs the batch's tokenize + forward + head time
 * @param batchRows rows in the batch this request ran in (all vFMs together)
 * @param batchTasks distinct vFMs in that batch
 */
public record Timing(double queueMs, double computeMs, int batchRows, int batchTasks) {}
