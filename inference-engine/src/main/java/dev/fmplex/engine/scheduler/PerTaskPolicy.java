package dev.fmplex.engine.scheduler;

import java.util.List;

/**
 * Baseline: a fair choice of the vFM that leads each batch, but a batch only ever holds that one
 * vFM's requests (what serving each task on its own would batch).
 */
final class PerTaskPolicy implements QueuePolicy {

    static final String NAME = "per-task";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public <H extends QueueHead> H next(List<H> heads, FormingBatch batch) {
        H best = null;
        for (H head : heads) {
            boolean eligible = batch.isEmpty() || head.vfmId().equals(batch.firstVfm());
            if (eligible && QueuePolicy.before(head, best)) {
                best = head;
            }
        }
        return best != null && batch.fits(best) ? best : null;
    }
}
