package dev.fmplex.engine.scheduler;

import dev.fmplex.engine.scheduler.AdmissionException.Reason;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Who may queue a request: not while the scheduler shuts down, not for a paused vFM, and not past a
 * vFM's queue capacity (so one vFM's flood is refused at its own door, not by growing a queue every
 * other vFM's requests wait behind in memory). Not thread-safe; the scheduler calls it under its
 * lock.
 */
final class Admission {

    private final int queueCapacity;
    private final Set<String> paused = new HashSet<>();
    private final Map<String, Integer> reserved = new HashMap<>();
    private boolean closed;

    Admission(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    /**
     * @param queued the vFM's queued requests now
     * @param queuedCostMs their estimated cost, for the retry-after hint of a full queue (asked
     *     only then: it walks the queue)
     * @return why the request is refused, or null to admit it
     */
    AdmissionException refusal(String vfmId, int queued, DoubleSupplier queuedCostMs) {
        if (closed) {
            return shuttingDown();
        }
        if (paused.contains(vfmId)) {
            return new AdmissionException(Reason.PAUSED, "vFM " + vfmId + " is paused", 0);
        }
        if (queued >= queueCapacity) {
            return new AdmissionException(
                    Reason.QUEUE_FULL,
                    "vFM "
                            + vfmId
                            + " has "
                            + queued
                            + " requests queued; the limit is "
                            + queueCapacity,
                    Math.max(1000, Math.round(queuedCostMs.getAsDouble())));
        }
        return null;
    }

    void setPaused(String vfmId, boolean pause) {
        if (pause) {
            paused.add(vfmId);
        } else {
            paused.remove(vfmId);
        }
    }

    void forget(String vfmId) {
        paused.remove(vfmId);
    }

    /** Requests of the vFM being prepared with a place held in its queue. */
    int reserved(String vfmId) {
        return reserved.getOrDefault(vfmId, 0);
    }

    void reserve(String vfmId) {
        reserved.merge(vfmId, 1, Integer::sum);
    }

    void unreserve(String vfmId) {
        reserved.computeIfPresent(vfmId, (id, n) -> n > 1 ? n - 1 : null);
    }

    boolean paused(String vfmId) {
        return paused.contains(vfmId);
    }

    Set<String> pausedVfms() {
        return paused;
    }

    void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    static AdmissionException shuttingDown() {
        return new AdmissionException(Reason.SHUTTING_DOWN, "the worker is shutting down", 1000);
    }
}
