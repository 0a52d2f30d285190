package dev.fmplex.engine.scheduler;

import java.util.List;

/**
 * Production: start-time fair queueing across vFMs, and vFMs share batches. The head with the
 * smallest start tag among those that still fit goes next, so a head too large for what is left of
 * the budget is passed over rather than closing the batch (it leads the next one: the first request
 * always fits).
 *
 * <p>Passing over is limited: a head may fill a batch ahead of a passed-over head with a smaller
 * tag only while its own tag is at most its own cost beyond that head's ({@code estimate / weight}:
 * in a fluid fair share the two would be served side by side). Without the limit a light vFM whose
 * small requests fit where a heavy vFM's large ones do not would fill every batch's remainder
 * however far its tags ran ahead: a weight-1.7 vFM took 22% of the time next to a weight-475 one
 * (entitled to 0.4%) in the seeded scenarios of {@code FairShareBoundTest}. With it, no vFM runs
 * more than one batch of its own time ahead of the one it passes, which keeps the share bound.
 */
final class FairPolicy implements QueuePolicy {

    static final String NAME = "fair";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public <H extends QueueHead> H next(List<H> heads, FormingBatch batch) {
        double passedOver = Double.POSITIVE_INFINITY;
        for (H head : heads) {
            if (!batch.fits(head)) {
                passedOver = Math.min(passedOver, head.startTag());
            }
        }
        H best = null;
        for (H head : heads) {
            if (batch.fits(head)
                    && head.startTag() <= passedOver + head.estimateMs() / head.weight()
                    && QueuePolicy.before(head, best)) {
                best = head;
            }
        }
        return best;
    }
}
