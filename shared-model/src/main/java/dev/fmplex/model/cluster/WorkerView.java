package dev.fmplex.model.cluster;

import java.time.Instant;
import java.util.List;

/** {@code GET /workers}: a worker and what of its memory budget is used. */
public record WorkerView(
        String id,
        String address,
        String state,
        long memoryBudgetBytes,
        long usedBytes,
        List<String> backbones,
        int placements,
        Instant lastHeartbeat) {}
