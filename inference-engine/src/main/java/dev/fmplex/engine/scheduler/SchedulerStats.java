package dev.fmplex.engine.scheduler;

import java.util.Map;

/**
 * A snapshot of a scheduler.
 *
 * @param policy the {@link QueuePolicy}'s name
 * @param busyFraction share of the executor lanes' wall time since start spent executing batches
 */
public record SchedulerStats(
        String policy,
        long batches,
        long rows,
        double busyFraction,
        Map<String, VfmQueueStats> vfms) {

    /**
     * One vFM's queue.
     *
     * @param completedCostMs execution time charged to this vFM: each batch's measured time split
     *     by the tokens (rows x length) each request had in it
     * @param achievedShare its share of the execution time charged over the share window
     * @param weightShare the share its weight entitles it to: its weight over the weights of the
     *     vFMs that wanted time in the window; a backlogged vFM's achieved share approaches it
     */
    public record VfmQueueStats(
            double weight,
            boolean paused,
            int queuedRequests,
            int queuedRows,
            long completedRequests,
            double completedCostMs,
            long rejected,
            long expired,
            double achievedShare,
            double weightShare) {}
}
