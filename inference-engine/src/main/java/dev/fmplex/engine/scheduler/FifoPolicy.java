package dev.fmplex.engine.scheduler;

import java.util.List;

/**
 * Baseline: arrival order across all vFMs, no weights; vFMs share batches. Strict: when the oldest
 * request does not fit, the batch closes rather than letting a younger one overtake it.
 */
final class FifoPolicy implements QueuePolicy {

    static final String NAME = "fifo";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public <H extends QueueHead> H next(List<H> heads, FormingBatch batch) {
        H oldest = null;
        for (H head : heads) {
            if (oldest == null || head.sequence() < oldest.sequence()) {
                oldest = head;
            }
        }
        return oldest != null && batch.fits(oldest) ? oldest : null;
    }
}
