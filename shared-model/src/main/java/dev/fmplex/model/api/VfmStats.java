package dev.fmplex.model.api;

/**
 * {@code GET /vfms/{id}/stats}: the catalog's view plus what the serving worker's scheduler reports
 * for the vFM.
 *
 * @param completedCostMs execution time charged to the vFM since its worker started
 * @param loaded whether a worker holds the vFM (the scheduler fields are 0 otherwise)
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
        long expired) {}
