package dev.fmplex.engine.scheduler;

/** A request the scheduler would not take or could not finish in time. */
public class AdmissionException extends RuntimeException {

    /** Why. */
    public enum Reason {
        /** The vFM's queue is at its cap; retry after {@link #retryAfterMillis()}. */
        QUEUE_FULL,
        /** The vFM is paused: queued requests finish, new ones are refused. */
        PAUSED,
        /** The request's deadline passed before its batch started. */
        DEADLINE_EXCEEDED,
        /** The scheduler is shutting down. */
        SHUTTING_DOWN
    }

    private final Reason reason;
    private final long retryAfterMillis;

    public AdmissionException(Reason reason, String message, long retryAfterMillis) {
        super(message);
        this.reason = reason;
        this.retryAfterMillis = retryAfterMillis;
    }

    public Reason reason() {
        return reason;
    }

    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
