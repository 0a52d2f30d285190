package dev.fmplex.bench.serving;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Plays an arrival schedule against a deployment, open loop, and measures each request's latency
 * from its scheduled arrival (so a late driver cannot hide queueing) to its completion. Requests
 * still unfinished when the drain time is over count as slower than any finished one.
 */
final class LoadRun {

    /** What one deployment did with one schedule. */
    record Result(
            String deployment,
            int tasks,
            double offeredRps,
            int round,
            int requests,
            int completed,
            double p50Ms,
            double p95Ms,
            double p99Ms,
            double achievedRps,
            long modelBytes) {

        boolean bursty() {
            return offeredRps < 0;
        }

        /** Met the SLO: p99 within {@code sloMs} and (nearly) everything completed. */
        boolean meets(double sloMs) {
            return p99Ms <= sloMs && completed >= 0.99 * requests;
        }
    }

    private static final int QUIESCE_MINUTES = 5;

    private LoadRun() {}

    /**
     * @param round which repetition of the same load this is (0-based)
     * @param requests the arrivals' requests, texts already tokenized (tokenization is the same
     *     work for every in-process deployment and is left out of their comparison)
     */
    static Result play(
            Deployment deployment,
            int tasks,
            double offeredRps,
            int round,
            List<Workload.Arrival> arrivals,
            List<Deployment.Request> requests,
            long drainNanos)
            throws InterruptedException {
        int n = arrivals.size();
        long[] latency = new long[n];
        Arrays.fill(latency, Long.MAX_VALUE);
        CountDownLatch finished = new CountDownLatch(n);
        long[] lastCompletion = new long[1];
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        for (int i = 0; i < n; i++) {
            Workload.Arrival arrival = arrivals.get(i);
            long due = start + arrival.atNanos();
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            deployment
                    .submit(arrival.task(), requests.get(i))
                    .whenComplete(
                            (ok, error) -> {
                                long now = System.nanoTime();
                                if (error == null) {
                                    latency[index] = now - due;
                                }
                                synchronized (lastCompletion) {
                                    lastCompletion[0] = Math.max(lastCompletion[0], now);
                                }
                                finished.countDown();
                            });
        }
        finished.await(drainNanos, TimeUnit.NANOSECONDS);
        long[] sorted;
        int completed;
        long end;
        synchronized (lastCompletion) {
            sorted = latency.clone();
            end = lastCompletion[0];
        }
        Arrays.sort(sorted);
        completed = (int) Arrays.stream(sorted).filter(l -> l != Long.MAX_VALUE).count();
        double seconds = Math.max(1e-9, (end - start) / 1e9);
        // Let a backlog finish before the next run starts, so that it cannot slow that run down.
        if (!finished.await(QUIESCE_MINUTES, TimeUnit.MINUTES)) {
            throw new IllegalStateException(
                    deployment.name()
                            + " still had "
                            + finished.getCount()
                            + " requests unfinished "
                            + QUIESCE_MINUTES
                            + " min after the drain time");
        }
        return new Result(
                deployment.name(),
                tasks,
                offeredRps,
                round,
                n,
                completed,
                percentileMs(sorted, 0.50),
                percentileMs(sorted, 0.95),
                percentileMs(sorted, 0.99),
                completed / seconds,
                deployment.modelBytes());
    }

    /** Nearest-rank percentile; infinite when it falls on an unfinished request. */
    private static double percentileMs(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        long value = sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
        return value == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : value / 1e6;
    }
}
