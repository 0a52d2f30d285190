package dev.fmplex.control.telemetry;

import dev.fmplex.model.api.TrafficPoint;
import dev.fmplex.model.api.TrafficSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One vFM's ring of intervals: interval {@code n} covers {@code [n * length, (n + 1) * length)} in
 * epoch milliseconds and lives in slot {@code n % slots} until a later interval claims the slot, so
 * nothing has to run on a timer and an idle vFM costs no work.
 */
final class VfmTraffic {

    private final long intervalMillis;
    private final TrafficInterval[] slots;

    VfmTraffic(long intervalMillis, int slots) {
        this.intervalMillis = intervalMillis;
        this.slots = new TrafficInterval[slots];
    }

    synchronized void succeeded(long nowMillis, double latencyMs, int rows, int batchTasks) {
        current(nowMillis).succeeded(latencyMs, rows, batchTasks);
    }

    synchronized void ended(long nowMillis, Outcome outcome) {
        current(nowMillis).ended(outcome);
    }

    /** The last {@code count} intervals up to the one holding {@code nowMillis}, oldest first. */
    synchronized List<TrafficPoint> points(long nowMillis, int count) {
        long last = nowMillis / intervalMillis;
        List<TrafficPoint> points = new ArrayList<>(count);
        for (long index = last - Math.min(count, slots.length) + 1; index <= last; index++) {
            TrafficInterval interval = stored(index);
            points.add(
                    (interval != null ? interval : new TrafficInterval(index))
                            .point(intervalMillis));
        }
        return points;
    }

    /** The successful requests of the last {@code count} intervals by their batch's vFM count. */
    synchronized Map<String, Long> batchTasks(long nowMillis, int count) {
        TrafficInterval merged = merged(nowMillis, count);
        Map<String, Long> byTasks = new LinkedHashMap<>();
        for (int tasks = 1; tasks <= TrafficInterval.MAX_BATCH_TASKS; tasks++) {
            long requests = merged.byBatchTasks[tasks];
            if (requests > 0) {
                byTasks.put(
                        tasks == TrafficInterval.MAX_BATCH_TASKS
                                ? tasks + "+"
                                : Integer.toString(tasks),
                        requests);
            }
        }
        return byTasks;
    }

    /** Adds the last {@code count} intervals to {@code into}. */
    synchronized void addTo(TrafficInterval into, long nowMillis, int count) {
        into.addAll(merged(nowMillis, count));
    }

    static TrafficSummary summary(TrafficInterval merged, double windowSeconds) {
        return new TrafficSummary(
                windowSeconds,
                merged.succeeded(),
                merged.succeeded() / windowSeconds,
                merged.rejected,
                merged.timedOut,
                merged.invalid,
                merged.failed,
                merged.latency.percentile(0.5),
                merged.latency.percentile(0.99),
                merged.meanBatchTasks());
    }

    private TrafficInterval merged(long nowMillis, int count) {
        long last = nowMillis / intervalMillis;
        TrafficInterval merged = new TrafficInterval(last);
        for (long index = last - Math.min(count, slots.length) + 1; index <= last; index++) {
            TrafficInterval interval = stored(index);
            if (interval != null) {
                merged.addAll(interval);
            }
        }
        return merged;
    }

    private TrafficInterval stored(long index) {
        if (index < 0) {
            return null;
        }
        TrafficInterval interval = slots[(int) (index % slots.length)];
        return interval != null && interval.index == index ? interval : null;
    }

    private TrafficInterval current(long nowMillis) {
        long index = nowMillis / intervalMillis;
        int slot = (int) (index % slots.length);
        TrafficInterval interval = slots[slot];
        if (interval == null || interval.index != index) {
            interval = new TrafficInterval(index);
            slots[slot] = interval;
        }
        return interval;
    }
}
