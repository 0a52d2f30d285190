package dev.fmplex.engine.scheduler;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Each vFM's share of the execution time charged over a sliding window, next to the share its
 * weight entitles it to: what an operator compares to see fairness at work. The window is kept as a
 * ring of time buckets, so it slides in steps of one bucket and costs O(buckets x vFMs) to read.
 * Not thread-safe; the scheduler calls it under its lock.
 */
final class ShareWindow {

    private static final int BUCKETS = 10;

    private record Bucket(long startNanos, Map<String, Double> chargedMs) {}

    private final long bucketNanos;
    private final ArrayDeque<Bucket> buckets = new ArrayDeque<>();

    ShareWindow(long windowNanos) {
        if (windowNanos < BUCKETS) {
            throw new IllegalArgumentException("share window must be >= 10 ns, is " + windowNanos);
        }
        this.bucketNanos = windowNanos / BUCKETS;
    }

    void charge(String vfmId, double chargedMs, long nowNanos) {
        Bucket last = buckets.peekLast();
        if (last == null || nowNanos - last.startNanos() >= bucketNanos) {
            last = new Bucket(nowNanos, new HashMap<>());
            buckets.addLast(last);
        }
        last.chargedMs().merge(vfmId, chargedMs, Double::sum);
        expire(nowNanos);
    }

    /**
     * A vFM's achieved share (its charged time over everyone's in the window) and its entitled
     * share: its weight over the weights of the vFMs that wanted time in the window (charged
     * something, or have requests queued now). A vFM that asks for less than its entitlement gets
     * what it asks, so only backlogged vFMs should reach theirs.
     */
    Shares shares(long nowNanos, Collection<String> queuedNow, ToDoubleFunction<String> weights) {
        expire(nowNanos);
        Map<String, Double> charged = new HashMap<>();
        for (Bucket bucket : buckets) {
            bucket.chargedMs().forEach((id, ms) -> charged.merge(id, ms, Double::sum));
        }
        Set<String> active = new LinkedHashSet<>(charged.keySet());
        active.addAll(queuedNow);
        double chargedTotal = charged.values().stream().mapToDouble(Double::doubleValue).sum();
        double weightTotal = active.stream().mapToDouble(weights).sum();
        return new Shares(charged, chargedTotal, active, weightTotal, weights);
    }

    private void expire(long nowNanos) {
        while (!buckets.isEmpty()
                && nowNanos - buckets.peekFirst().startNanos() >= bucketNanos * BUCKETS) {
            buckets.pollFirst();
        }
    }

    /** One reading of the window. */
    static final class Shares {
        private final Map<String, Double> charged;
        private final double chargedTotal;
        private final Set<String> active;
        private final double weightTotal;
        private final ToDoubleFunction<String> weights;

        private Shares(
                Map<String, Double> charged,
                double chargedTotal,
                Set<String> active,
                double weightTotal,
                ToDoubleFunction<String> weights) {
            this.charged = charged;
            this.chargedTotal = chargedTotal;
            this.active = active;
            this.weightTotal = weightTotal;
            this.weights = weights;
        }

        /** 0 when nothing was charged in the window. */
        double achieved(String vfmId) {
            return chargedTotal > 0 ? charged.getOrDefault(vfmId, 0.0) / chargedTotal : 0;
        }

        /** 0 for a vFM that wanted no time in the window. */
        double entitled(String vfmId) {
            return active.contains(vfmId) && weightTotal > 0
                    ? weights.applyAsDouble(vfmId) / weightTotal
                    : 0;
        }
    }
}
