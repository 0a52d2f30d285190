package dev.fmplex.engine.scheduler;

import java.util.Map;

/**
 * A snapshot of a scheduler.
 *
 * @param busyFraction share of the executor lanes' wall time since start spent executing batches
 */
public record SchedulerStats(
        SchedulingPolicy policy,
        long batches,
        long rows,
        double busyFraction,
        Map<String, VfmQueueStats> vfms) {

    /**
     * One vFM's queue.
     *
     * @param completedCostMs execution time charged to this vFM: each batch's measured time split
     *     by the tokens (rows x length) each request had in it
     */
    public record VfmQueueStats(
            double weight,
            boolean paused,
            int queuedRequests,
            int queuedRows,
            long completedRequests,
            double completedCostMs,
            long rejected,
            long expired) {}
}
