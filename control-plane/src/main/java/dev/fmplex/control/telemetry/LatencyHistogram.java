package dev.fmplex.control.telemetry;

/**
 * Latencies in logarithmic bins (each 25% wider than the last, from 0.1 ms to about two minutes),
 * so an interval costs a fixed few hundred bytes however many requests it saw, intervals merge by
 * adding counts, and a percentile is off by at most one bin's width. The smallest and largest
 * values are kept exactly, so a percentile never lies outside what was seen. Not thread-safe.
 */
final class LatencyHistogram {

    static final int BINS = 64;
    private static final double FIRST_UPPER_MS = 0.1;
    private static final double GROWTH = 1.25;
    private static final double LOG_GROWTH = Math.log(GROWTH);

    private final int[] counts = new int[BINS];
    private long total;
    private double minMs = Double.POSITIVE_INFINITY;
    private double maxMs = Double.NEGATIVE_INFINITY;

    void add(double ms) {
        counts[bin(ms)]++;
        total++;
        minMs = Math.min(minMs, ms);
        maxMs = Math.max(maxMs, ms);
    }

    void addAll(LatencyHistogram other) {
        for (int i = 0; i < BINS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        minMs = Math.min(minMs, other.minMs);
        maxMs = Math.max(maxMs, other.maxMs);
    }

    long total() {
        return total;
    }

    /**
     * The latency below which a fraction {@code q} of the values lie: the upper edge of the bin
     * that holds the q-th value, clamped to the values seen; {@code null} when empty.
     */
    Double percentile(double q) {
        if (total == 0) {
            return null;
        }
        if (q <= 0) {
            return minMs;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BINS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.max(minMs, Math.min(maxMs, upperEdge(i)));
            }
        }
        return maxMs;
    }

    static int bin(double ms) {
        if (!(ms > FIRST_UPPER_MS)) {
            return 0;
        }
        int bin = (int) Math.ceil(Math.log(ms / FIRST_UPPER_MS) / LOG_GROWTH);
        return Math.min(BINS - 1, bin);
    }

    static double upperEdge(int bin) {
        return FIRST_UPPER_MS * Math.pow(GROWTH, bin);
    }
}
