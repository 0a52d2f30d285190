package dev.fmplex.worker.inference;

import dev.fmplex.engine.scheduler.AdmissionException.Reason;
import dev.fmplex.engine.scheduler.FairScheduler;
import dev.fmplex.engine.scheduler.SchedulerStats;
import dev.fmplex.engine.scheduler.SchedulerStats.VfmQueueStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * Scheduler metrics for {@code /actuator/prometheus}: per vFM the queue depth, queue-wait and
 * compute time, completed cost, rejections and timeouts, and its achieved share of the execution
 * time over the scheduler's sliding window next to the share its weight entitles it to; per batch
 * its rows and vFMs; the executor's utilization. Tagged by backbone.
 */
final class SchedulerMetrics implements FairScheduler.Listener {

    /** Shorter than any sensible scrape interval, longer than one scrape takes. */
    private static final long SNAPSHOT_MAX_AGE_NANOS = 1_000_000_000L;

    private final MeterRegistry registry;
    private final String backbone;
    private final DistributionSummary batchRows;
    private final DistributionSummary batchVfms;

    /** vFMs that have a queue-depth gauge; each reads the live queue when scraped. */
    private final Set<String> depthGauges = ConcurrentHashMap.newKeySet();

    /**
     * The latest snapshot and when it was taken: the share gauges of all vFMs read one snapshot per
     * scrape instead of one each, which would cost vFMs squared per scrape.
     */
    private volatile SchedulerStats recent;

    private volatile long recentNanos;

    private volatile Supplier<SchedulerStats> stats = () -> null;
    private volatile ToIntFunction<String> queued = vfmId -> 0;

    SchedulerMetrics(MeterRegistry registry, String backbone) {
        this.registry = registry;
        this.backbone = backbone;
        this.batchRows =
                DistributionSummary.builder("fmplex.batch.rows")
                        .description("rows per executed batch")
                        .tag("backbone", backbone)
                        .register(registry);
        this.batchVfms =
                DistributionSummary.builder("fmplex.batch.vfms")
                        .description("distinct vFMs per executed batch")
                        .tag("backbone", backbone)
                        .register(registry);
        Gauge.builder(
                        "fmplex.executor.utilization",
                        this,
                        metrics -> {
                            SchedulerStats snapshot = metrics.stats.get();
                            return snapshot == null ? 0 : snapshot.busyFraction();
                        })
                .description("share of time the backbone's executor spends running batches")
                .tag("backbone", backbone)
                .register(registry);
    }

    /**
     * @param snapshots the scheduler's full state, for utilization
     * @param queuedRequests one vFM's waiting requests, read by its queue-depth gauge on every
     *     scrape (a full snapshot per gauge would cost vFMs squared per scrape)
     */
    void observe(Supplier<SchedulerStats> snapshots, ToIntFunction<String> queuedRequests) {
        this.stats = snapshots;
        this.queued = queuedRequests;
    }

    @Override
    public void batchCompleted(int rows, int tasks, long paddedTokens, double ms) {
        batchRows.record(rows);
        batchVfms.record(tasks);
    }

    @Override
    public void requestCompleted(String vfmId, double queueMs, double computeMs, double chargedMs) {
        watchQueue(vfmId);
        timer("fmplex.request.queue", vfmId).record(Duration.ofNanos((long) (queueMs * 1e6)));
        timer("fmplex.request.compute", vfmId).record(Duration.ofNanos((long) (computeMs * 1e6)));
        Counter.builder("fmplex.request.cost")
                .baseUnit("milliseconds")
                .description("execution time charged to the vFM")
                .tags(tags(vfmId))
                .register(registry)
                .increment(chargedMs);
    }

    @Override
    public void requestRejected(String vfmId, Reason reason) {
        watchQueue(vfmId);
        Counter.builder("fmplex.request.rejected")
                .tags(tags(vfmId))
                .tag("reason", reason.name())
                .register(registry)
                .increment();
    }

    /**
     * Registers the vFM's queue-depth gauge once; it reads the scheduler's live queue on every
     * scrape (0 once the vFM is gone), so a backlog shows while it builds, not after a batch.
     */
    void watchQueue(String vfmId) {
        if (depthGauges.add(vfmId)) {
            Gauge.builder("fmplex.queue.depth", this, metrics -> metrics.queuedRequests(vfmId))
                    .description("requests waiting per vFM")
                    .tags(tags(vfmId))
                    .register(registry);
            Gauge.builder(
                            "fmplex.share.achieved",
                            this,
                            metrics -> metrics.share(vfmId, VfmQueueStats::achievedShare))
                    .description(
                            "the vFM's share of the backbone's charged execution time over the"
                                    + " scheduler's sliding window")
                    .tags(tags(vfmId))
                    .register(registry);
            Gauge.builder(
                            "fmplex.share.weight",
                            this,
                            metrics -> metrics.share(vfmId, VfmQueueStats::weightShare))
                    .description(
                            "the share the vFM's weight entitles it to among the vFMs that wanted"
                                    + " time in the window")
                    .tags(tags(vfmId))
                    .register(registry);
        }
    }

    private double share(String vfmId, ToDoubleFunction<VfmQueueStats> which) {
        long now = System.nanoTime();
        SchedulerStats snapshot = recent;
        if (snapshot == null || now - recentNanos > SNAPSHOT_MAX_AGE_NANOS) {
            snapshot = stats.get();
            if (snapshot == null) {
                return 0;
            }
            recent = snapshot;
            recentNanos = now;
        }
        VfmQueueStats vfm = snapshot.vfms().get(vfmId);
        return vfm == null ? 0 : which.applyAsDouble(vfm);
    }

    private double queuedRequests(String vfmId) {
        return queued.applyAsInt(vfmId);
    }

    void timedOut(String vfmId) {
        Counter.builder("fmplex.request.timeouts").tags(tags(vfmId)).register(registry).increment();
    }

    private Timer timer(String name, String vfmId) {
        return Timer.builder(name)
                .tags(tags(vfmId))
                .publishPercentileHistogram()
                .register(registry);
    }

    private List<io.micrometer.core.instrument.Tag> tags(String vfmId) {
        return List.of(
                io.micrometer.core.instrument.Tag.of("backbone", backbone),
                io.micrometer.core.instrument.Tag.of("vfm", vfmId));
    }
}
