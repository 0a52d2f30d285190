package dev.fmplex.model.api;

/**
 * {@code GET /vfms/{id}/stats}: the catalog's view plus what the serving worker's scheduler reports
 * for the vFM.
 *
 * @param completedCostMs execution time charged to the vFM since its worker started
 * @param loaded whether a worker holds the vFM (the scheduler fields are 0 otherwise)
 * @param achievedShare its share of its backbone's execution time charged over the scheduler's
 *     sliding window (30 s by default); averaged over replicas when several workers serve it
 * @param weightShare the share its weight entitles it to: its weight over the weights of the vFMs
 *     that wanted time in the window. A backlogged vFM's achieved share approaches it; one that
 *     asks for less gets what it asks and the rest goes to the others
 * @param replicas workers that hold the vFM
 * @param traffic its requests over the last minute, as the control plane routed them
 */
public record VfmStats(
        String vfm,
        int version,
        String state,
        double weight,
        long residentBytes,
        boolean loaded,
        boolean paused,
        int queuedRequests,
        long completedRequests,
        double completedCostMs,
        long rejected,
        long expired,
        double achievedShare,
        double weightShare,
        int replicas,
        TrafficSummary traffic) {}
