package dev.fmplex.engine.scheduler;

/**
 * A batch while it is being formed: what it holds so far, and whether one more request still fits
 * its budget of rows, padded tokens and, optionally, predicted execution time.
 */
public final class FormingBatch {

    private final int maxRows;
    private final long maxPaddedTokens;
    private final double maxMs;
    private final CostModel costModel;
    private int rows;
    private int longest;
    private String firstVfm;
    private boolean holdsAlone;

    FormingBatch(int maxRows, long maxPaddedTokens) {
        this(maxRows, maxPaddedTokens, Double.POSITIVE_INFINITY, null);
    }

    /**
     * @param maxMs the predicted execution time ({@code costModel.batchMs}) beyond which no more
     *     requests join; infinite for none
     */
    FormingBatch(int maxRows, long maxPaddedTokens, double maxMs, CostModel costModel) {
        this.maxRows = maxRows;
        this.maxPaddedTokens = maxPaddedTokens;
        this.maxMs = maxMs;
        this.costModel = costModel;
    }

    public boolean isEmpty() {
        return firstVfm == null;
    }

    /** The vFM of the batch's first request; null while it is empty. */
    public String firstVfm() {
        return firstVfm;
    }

    /**
     * Padding-aware: the batch pads to its longest row, so one long row counts for every row. The
     * first request always fits, so a request larger than the budget still runs (alone).
     */
    public boolean fits(QueueHead head) {
        if (isEmpty()) {
            return true;
        }
        if (holdsAlone || head.alone()) {
            return false;
        }
        int newRows = rows + head.rows();
        long paddedTokens = (long) Math.max(longest, head.length()) * newRows;
        return newRows <= maxRows
                && paddedTokens <= maxPaddedTokens
                && (maxMs == Double.POSITIVE_INFINITY || costModel.batchMs(paddedTokens) <= maxMs);
    }

    void add(QueueHead head) {
        if (firstVfm == null) {
            firstVfm = head.vfmId();
        }
        holdsAlone |= head.alone();
        rows += head.rows();
        longest = Math.max(longest, head.length());
    }
}
