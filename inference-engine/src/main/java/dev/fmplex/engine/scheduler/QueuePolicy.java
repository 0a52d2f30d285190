package dev.fmplex.engine.scheduler;

import java.util.List;
import java.util.Locale;

/**
 * The order in which queued requests go into a batch: the one decision that differs between the
 * production policy and its baselines. Queues, tags and virtual time stay in the {@link FairQueue}
 * core; a policy only chooses among the heads of the vFMs' queues, so adding one touches nothing
 * else.
 */
public interface QueuePolicy {

    /** The name it is configured by ({@code fmplex.worker.scheduling.policy}). */
    String name();

    /**
     * The next request for {@code batch}, among the tagged heads of every non-empty queue, or null
     * to close the batch.
     */
    <H extends QueueHead> H next(List<H> heads, FormingBatch batch);

    /** {@code fair} (the default), {@code fifo} or {@code per-task}; case and {@code _} ignored. */
    static QueuePolicy named(String name) {
        String normalized = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (normalized) {
            case FairPolicy.NAME -> new FairPolicy();
            case FifoPolicy.NAME -> new FifoPolicy();
            case PerTaskPolicy.NAME -> new PerTaskPolicy();
            default ->
                    throw new IllegalArgumentException(
                            "unknown scheduling policy '"
                                    + name
                                    + "'; expected fair, fifo or per-task");
        };
    }

    /** Smallest start tag first, admission order among equal tags. */
    static <H extends QueueHead> boolean before(H candidate, H best) {
        return best == null
                || candidate.startTag() < best.startTag()
                || (candidate.startTag() == best.startTag()
                        && candidate.sequence() < best.sequence());
    }
}
