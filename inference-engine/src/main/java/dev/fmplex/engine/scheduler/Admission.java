package dev.fmplex.engine.scheduler;

import dev.fmplex.engine.scheduler.AdmissionException.Reason;
import java.util.HashSet;
import java.util.Set;

/**
 * Who may queue a request: not while the scheduler shuts down, not for a paused vFM, and not past a
 * vFM's queue capacity (so one vFM's flood is refused at its own door, not by growing a queue every
 * other vFM's requests wait behind in memory). Not thread-safe; the scheduler calls it under its
 * lock.
 */
final class Admission {

    private final int queueCapacity;
    private final Set<String> paused = new HashSet<>();
    private boolean closed;

    Admission(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    /**
     * @param queued the vFM's queued requests now
     * @param queuedCostMs their estimated cost, for the retry-after hint of a full queue
     * @return why the request is refused, or null to admit it
     */
    AdmissionException refusal(String vfmId, int queued, double queuedCostMs) {
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
                    Math.max(1000, Math.round(queuedCostMs)));
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
