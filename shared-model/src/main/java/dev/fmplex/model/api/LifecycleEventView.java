package dev.fmplex.model.api;

import java.time.Instant;

/** One audited lifecycle transition of a vFM. */
public record LifecycleEventView(
        long id,
        String action,
        String fromState,
        String toState,
        int version,
        String apiCall,
        String detail,
        Instant at) {}
