package dev.fmplex.engine.scheduler;

import java.util.Arrays;
import java.util.Locale;

/** How batches are formed. Only {@link #FAIR} is for production; the others are baselines. */
public enum SchedulingPolicy {
    /** Start-time fair queueing across vFMs; vFMs share batches. */
    FAIR,
    /** Arrival order across all vFMs; vFMs share batches; no weights. */
    FIFO,
    /** Fair choice of the next vFM, but a batch only ever holds that one vFM's requests. */
    PER_TASK;

    public static SchedulingPolicy fromName(String name) {
        String normalized = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values())
                .filter(policy -> policy.name().equals(normalized))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "unknown scheduling policy '"
                                                + name
                                                + "'; expected fair, fifo or per-task"));
    }
}
