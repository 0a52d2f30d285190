package dev.fmplex.engine.scheduler;

/**
 * Predicts a batch's execution time from its size, {@code time = perBatch + perToken x padded
 * tokens}, fitted online from measured batch times by least squares with exponential forgetting (so
 * it follows the machine as load and thermal state change).
 *
 * <p>Requests are charged and tagged in these predicted milliseconds, so fairness is about compute
 * time, not request counts: a 200-token request costs what it takes.
 */
public final class CostModel {

    private static final double FORGETTING = 0.98;
    private static final int TYPICAL_BATCH_TOKENS = 1024;

    private double perBatchMs;
    private double perTokenMs;
    // Exponentially weighted sums for the 2-parameter least squares fit.
    private double sw;
    private double sx;
    private double sy;
    private double sxx;
    private double sxy;

    /** Starts from a prior, e.g. 2 ms per batch and 0.1 ms per padded token. */
    public CostModel(double perBatchMs, double perTokenMs) {
        this.perBatchMs = perBatchMs;
        this.perTokenMs = perTokenMs;
    }

    /**
     * Predicted milliseconds of a request's share of a typical batch: proportional to its own
     * tokens ({@code rows x length}), like the charge it will get, with the per-batch cost spread
     * over a typical batch of {@value #TYPICAL_BATCH_TOKENS} tokens.
     */
    public synchronized double requestCostMs(int rows, int length) {
        return (double) rows * length * (perTokenMs + perBatchMs / TYPICAL_BATCH_TOKENS);
    }

    public synchronized double batchMs(long paddedTokens) {
        return perBatchMs + perTokenMs * paddedTokens;
    }

    /** Folds in one measured batch. */
    public synchronized void observe(long paddedTokens, double measuredMs) {
        if (!(measuredMs >= 0) || paddedTokens <= 0) {
            return;
        }
        sw = FORGETTING * sw + 1;
        sx = FORGETTING * sx + paddedTokens;
        sy = FORGETTING * sy + measuredMs;
        sxx = FORGETTING * sxx + (double) paddedTokens * paddedTokens;
        sxy = FORGETTING * sxy + paddedTokens * measuredMs;
        double denominator = sw * sxx - sx * sx;
        if (sw < 3 || Math.abs(denominator) < 1e-9 * Math.max(1, sw * sxx)) {
            // Too few or too similar batches to separate the two terms: scale the slope only.
            perTokenMs = Math.max(1e-6, (sy / sw - perBatchMs) / Math.max(1, sx / sw));
            return;
        }
        double slope = (sw * sxy - sx * sy) / denominator;
        double intercept = (sy - slope * sx) / sw;
        perTokenMs = Math.max(1e-6, slope);
        perBatchMs = Math.max(0, intercept);
    }

    public synchronized double perBatchMs() {
        return perBatchMs;
    }

    public synchronized double perTokenMs() {
        return perTokenMs;
    }
}
