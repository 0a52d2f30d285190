package dev.fmplex.model.cluster;

import java.time.Instant;

/** {@code GET /placements}: one vFM version held by one worker. */
public record PlacementView(
        String vfm,
        String worker,
        String address,
        int version,
        long residentBytes,
        Instant placedAt) {}
