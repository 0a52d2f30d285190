package dev.fmplex.engine.scheduler;

/**
 * The request at the head of one vFM's queue, as a {@link QueuePolicy} sees it when it picks the
 * next request for a batch.
 */
public interface QueueHead {

    String vfmId();

    /** Start tag in virtual time (start-time fair queueing). */
    double startTag();

    /** Its vFM's fair-share weight. */
    double weight();

    /** The cost estimate in milliseconds its tags were given with. */
    double estimateMs();

    /** Admission order across all vFMs. */
    long sequence();

    int rows();

    /** Longest row in tokens: what a batch holding it pads to. */
    int length();

    /**
     * Whether it runs in a batch of its own (background work such as a training step): it fits only
     * an empty batch, and nothing joins a batch that holds it.
     */
    default boolean alone() {
        return false;
    }
}
