package dev.fmplex.engine.scheduler;

import java.util.List;

/**
 * Production: start-time fair queueing across vFMs, and vFMs share batches. The head with the
 * smallest start tag among those that still fit goes next, so a head too large for what is left of
 * the budget is passed over rather than closing the batch (it leads the next one: the first request
 * always fits).
 */
final class FairPolicy implements QueuePolicy {

    static final String NAME = "fair";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public <H extends QueueHead> H next(List<H> heads, FormingBatch batch) {
        H best = null;
        for (H head : heads) {
            if (batch.fits(head) && QueuePolicy.before(head, best)) {
                best = head;
            }
        }
        return best;
    }
}
