package dev.fmplex.engine.scheduler;

import java.util.HashMap;
import java.util.Map;

/**
 * What the scheduler has done, for its stats: per vFM the requests completed, the execution time
 * charged, rejections and expiries, and the achieved shares over a sliding window; per scheduler
 * the batches, rows and busy time. Not thread-safe; the scheduler writes it under its lock.
 */
final class SchedulerLedger {

    /** One vFM's counters since the scheduler started. */
    static final class Counters {
        long completed;
        double chargedMs;
        long rejected;
        long expired;
    }

    private final Map<String, Counters> counters = new HashMap<>();
    private final ShareWindow window;
    private final long startedNanos;
    private long busyNanos;
    private long batches;
    private long rows;

    SchedulerLedger(long shareWindowNanos, long startedNanos) {
        this.window = new ShareWindow(shareWindowNanos);
        this.startedNanos = startedNanos;
    }

    void batchRan(int batchRows, long nanos) {
        busyNanos += nanos;
        batches++;
        rows += batchRows;
    }

    void completed(String vfmId, double chargedMs, long nowNanos) {
        Counters vfm = of(vfmId);
        vfm.completed++;
        vfm.chargedMs += chargedMs;
        window.charge(vfmId, chargedMs, nowNanos);
    }

    /**
     * A request of a forgotten vFM that was in flight when it was forgotten: its time counts in the
     * share window (the backbone spent it), but it gets no counters again.
     */
    void completedForgotten(String vfmId, double chargedMs, long nowNanos) {
        window.charge(vfmId, chargedMs, nowNanos);
    }

    void rejected(String vfmId) {
        of(vfmId).rejected++;
    }

    void expired(String vfmId) {
        of(vfmId).expired++;
    }

    void forget(String vfmId) {
        counters.remove(vfmId);
    }

    Counters of(String vfmId) {
        return counters.computeIfAbsent(vfmId, id -> new Counters());
    }

    Map<String, Counters> all() {
        return counters;
    }

    ShareWindow window() {
        return window;
    }

    long batches() {
        return batches;
    }

    long rows() {
        return rows;
    }

    /** Share of the lanes' wall time since start spent executing batches. */
    double busyFraction(long nowNanos, int lanes) {
        long elapsed = Math.max(1, nowNanos - startedNanos);
        return busyNanos / ((double) elapsed * lanes);
    }
}
