package dev.fmplex.control.telemetry;

import dev.fmplex.model.api.TrafficPoint;
import java.time.Instant;

/** The requests of one vFM that finished in one interval. Not thread-safe: its owner locks. */
final class TrafficInterval {

    /** Batch sizes counted apart, in vFMs; larger ones count as this many. */
    static final int MAX_BATCH_TASKS = 16;

    final long index;
    final LatencyHistogram latency = new LatencyHistogram();
    final long[] byBatchTasks = new long[MAX_BATCH_TASKS + 1];
    long rejected;
    long timedOut;
    long invalid;
    long failed;
    long rows;
    long batchTasksSum;
    int batchTasksMax;

    TrafficInterval(long index) {
        this.index = index;
    }

    void succeeded(double latencyMs, int inputRows, int batchTasks) {
        latency.add(latencyMs);
        rows += inputRows;
        int tasks = Math.max(1, batchTasks);
        batchTasksSum += tasks;
        batchTasksMax = Math.max(batchTasksMax, tasks);
        byBatchTasks[Math.min(MAX_BATCH_TASKS, tasks)]++;
    }

    void ended(Outcome outcome) {
        switch (outcome) {
            case REJECTED -> rejected++;
            case TIMED_OUT -> timedOut++;
            case INVALID -> invalid++;
            case FAILED -> failed++;
            case SUCCEEDED -> throw new IllegalArgumentException("a success has a latency");
        }
    }

    void addAll(TrafficInterval other) {
        latency.addAll(other.latency);
        for (int i = 0; i <= MAX_BATCH_TASKS; i++) {
            byBatchTasks[i] += other.byBatchTasks[i];
        }
        rejected += other.rejected;
        timedOut += other.timedOut;
        invalid += other.invalid;
        failed += other.failed;
        rows += other.rows;
        batchTasksSum += other.batchTasksSum;
        batchTasksMax = Math.max(batchTasksMax, other.batchTasksMax);
    }

    long succeeded() {
        return latency.total();
    }

    Double meanBatchTasks() {
        return succeeded() == 0 ? null : (double) batchTasksSum / succeeded();
    }

    TrafficPoint point(long intervalMillis) {
        return new TrafficPoint(
                Instant.ofEpochMilli(index * intervalMillis),
                succeeded(),
                rejected,
                timedOut,
                invalid,
                failed,
                latency.percentile(0.5),
                latency.percentile(0.99),
                rows,
                meanBatchTasks(),
                batchTasksMax);
    }
}
