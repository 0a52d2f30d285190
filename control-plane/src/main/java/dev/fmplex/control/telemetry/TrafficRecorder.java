package dev.fmplex.control.telemetry;

import dev.fmplex.model.api.FanOutResponse;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.api.TrafficSummary;
import dev.fmplex.model.api.VfmHistory;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Records every request the control plane routes, per vFM, and answers what the last minutes looked
 * like. Latency is measured here, around the routing, so it is what the client waited (less its own
 * network), whichever worker served it.
 */
@Component
public class TrafficRecorder {

    /** The length of one history interval: short enough for a live chart. */
    public static final Duration INTERVAL = Duration.ofSeconds(2);

    /** How far back a vFM's history reaches. */
    public static final Duration HISTORY = Duration.ofMinutes(5);

    /** The window of the traffic summaries in the stats. */
    public static final Duration SUMMARY_WINDOW = Duration.ofMinutes(1);

    private static final int SLOTS = (int) (HISTORY.toMillis() / INTERVAL.toMillis());
    private static final int SUMMARY_INTERVALS =
            (int) (SUMMARY_WINDOW.toMillis() / INTERVAL.toMillis());

    private final Map<String, VfmTraffic> byVfm = new ConcurrentHashMap<>();
    private final Clock clock;

    public TrafficRecorder() {
        this(Clock.systemUTC());
    }

    TrafficRecorder(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records how {@code call} ends for {@code vfmId}; what it throws while being set up (a rate
     * limit) counts as its outcome too. {@code vfmId} must be a vFM that exists: the recorder keeps
     * a ring for every id it is given.
     */
    public Mono<InferResponse> observe(String vfmId, Supplier<Mono<InferResponse>> call) {
        return Mono.defer(
                () -> {
                    long started = System.nanoTime();
                    return Mono.defer(call)
                            .doOnNext(reply -> succeeded(vfmId, started, reply))
                            .doOnError(error -> ended(vfmId, error));
                });
    }

    /** Records a fan-out: each vFM gets its own result's batch, all the same latency. */
    public Mono<FanOutResponse> observeAll(
            List<String> vfmIds, Supplier<Mono<FanOutResponse>> call) {
        return Mono.defer(
                () -> {
                    long started = System.nanoTime();
                    return Mono.defer(call)
                            .doOnNext(
                                    reply -> {
                                        // One result per vFM by contract; a short list must not
                                        // turn a good reply into an error here.
                                        int n = Math.min(vfmIds.size(), reply.results().size());
                                        for (int i = 0; i < n; i++) {
                                            succeeded(
                                                    vfmIds.get(i), started, reply.results().get(i));
                                        }
                                    })
                            .doOnError(error -> vfmIds.forEach(id -> ended(id, error)));
                });
    }

    /** The vFM's history: one point per interval over {@link #HISTORY}, oldest first. */
    public VfmHistory history(String vfmId) {
        long now = clock.millis();
        VfmTraffic traffic = byVfm.getOrDefault(vfmId, empty());
        return new VfmHistory(
                vfmId,
                INTERVAL.toMillis() / 1000.0,
                traffic.points(now, SLOTS),
                traffic.batchTasks(now, SLOTS));
    }

    /** One vFM's traffic over {@link #SUMMARY_WINDOW}. */
    public TrafficSummary summary(String vfmId) {
        return summary(List.of(vfmId));
    }

    /** The traffic of several vFMs together over {@link #SUMMARY_WINDOW}. */
    public TrafficSummary summary(Collection<String> vfmIds) {
        long now = clock.millis();
        TrafficInterval merged = new TrafficInterval(now / INTERVAL.toMillis());
        for (String id : vfmIds) {
            VfmTraffic traffic = byVfm.get(id);
            if (traffic != null) {
                traffic.addTo(merged, now, SUMMARY_INTERVALS);
            }
        }
        // The intervals reach from the start of the oldest to now, the newest still filling: the
        // window is up to one interval shorter than SUMMARY_WINDOW, and rates divide by what it is.
        long interval = INTERVAL.toMillis();
        double windowSeconds = ((SUMMARY_INTERVALS - 1) * interval + now % interval + 1) / 1000.0;
        return VfmTraffic.summary(merged, windowSeconds);
    }

    /** Drops a deleted vFM's history. */
    public void forget(String vfmId) {
        byVfm.remove(vfmId);
    }

    private void succeeded(String vfmId, long startedNanos, InferResponse reply) {
        double latencyMs = (System.nanoTime() - startedNanos) / 1e6;
        int rows = reply.outputs() == null ? 0 : reply.outputs().size();
        int batchTasks = reply.timing() == null ? 1 : reply.timing().batchTasks();
        traffic(vfmId).succeeded(clock.millis(), latencyMs, rows, batchTasks);
    }

    private void ended(String vfmId, Throwable error) {
        if (error instanceof FmplexException problem && problem.type() == ProblemType.UNKNOWN_VFM) {
            return; // no such vFM (any more): nothing to keep a history for
        }
        traffic(vfmId).ended(clock.millis(), Outcome.of(error));
    }

    /** How many vFMs have a ring. */
    int trackedVfms() {
        return byVfm.size();
    }

    private VfmTraffic traffic(String vfmId) {
        return byVfm.computeIfAbsent(vfmId, id -> empty());
    }

    private static VfmTraffic empty() {
        return new VfmTraffic(INTERVAL.toMillis(), SLOTS);
    }
}
