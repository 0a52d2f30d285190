package dev.fmplex.engine.scheduler;

/**
 * A batch while it is being formed: what it holds so far, and whether one more request still fits
 * its budget of rows and padded tokens.
 */
public final class FormingBatch {

    private final int maxRows;
    private final long maxPaddedTokens;
    private int rows;
    private int longest;
    private String firstVfm;

    FormingBatch(int maxRows, long maxPaddedTokens) {
        this.maxRows = maxRows;
        this.maxPaddedTokens = maxPaddedTokens;
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
        int newRows = rows + head.rows();
        long paddedTokens = (long) Math.max(longest, head.length()) * newRows;
        return newRows <= maxRows && paddedTokens <= maxPaddedTokens;
    }

    void add(QueueHead head) {
        if (firstVfm == null) {
            firstVfm = head.vfmId();
        }
        rows += head.rows();
        longest = Math.max(longest, head.length());
    }
}
