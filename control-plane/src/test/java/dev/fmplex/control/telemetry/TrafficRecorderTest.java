package dev.fmplex.control.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.api.Timing;
import dev.fmplex.model.api.TrafficPoint;
import dev.fmplex.model.api.TrafficSummary;
import dev.fmplex.model.api.VfmHistory;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class TrafficRecorderTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        long millis = 1_800_000_000_000L; // an interval boundary (a multiple of 2 s)

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void advanceSeconds(double seconds) {
            millis += (long) (seconds * 1000);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final TrafficRecorder recorder = new TrafficRecorder(clock);

    private static InferResponse reply(int rows, int batchTasks) {
        return new InferResponse(
                "v",
                1,
                Collections.nCopies(rows, (TaskOutput) null),
                new Timing(0.1, 5, rows, batchTasks),
                null);
    }

    private void succeed(String vfm, int rows, int batchTasks) {
        recorder.observe(vfm, () -> Mono.just(reply(rows, batchTasks))).block();
    }

    private void fail(String vfm, RuntimeException error) {
        recorder.observe(vfm, () -> Mono.<InferResponse>error(error))
                .onErrorResume(e -> Mono.empty())
                .block();
    }

    @Test
    void historyHasOnePointPerIntervalOverFiveMinutesOldestFirst() {
        succeed("a", 3, 1);
        clock.advanceSeconds(2);
        succeed("a", 1, 2);
        succeed("a", 1, 4);

        VfmHistory history = recorder.history("a");
        assertThat(history.intervalSeconds()).isEqualTo(2.0);
        assertThat(history.points()).hasSize(150);
        List<TrafficPoint> points = history.points();
        TrafficPoint last = points.get(149);
        TrafficPoint before = points.get(148);
        assertThat(last.at()).isEqualTo(Instant.ofEpochMilli(clock.millis));
        assertThat(before.at()).isEqualTo(Instant.ofEpochMilli(clock.millis - 2000));
        assertThat(before.requests()).isEqualTo(1);
        assertThat(before.rows()).isEqualTo(3);
        assertThat(last.requests()).isEqualTo(2);
        assertThat(last.meanBatchTasks()).isEqualTo(3.0);
        assertThat(last.maxBatchTasks()).isEqualTo(4);
        assertThat(points.get(0).requests()).isZero();
        assertThat(points.get(0).p50Ms()).isNull();
        assertThat(history.batchTasks())
                .containsExactly(Map.entry("1", 1L), Map.entry("2", 1L), Map.entry("4", 1L));
    }

    @Test
    void intervalsOlderThanTheHistoryAreForgottenWhenTheirSlotIsReused() {
        succeed("a", 1, 1);
        clock.advanceSeconds(300); // exactly one ring later: the same slot
        succeed("a", 1, 1);
        long total =
                recorder.history("a").points().stream().mapToLong(TrafficPoint::requests).sum();
        assertThat(total).isEqualTo(1);
    }

    @Test
    void outcomesAreToldApartAsAnOperatorNeedsThem() {
        fail("a", new FmplexException(ProblemType.QUEUE_FULL, null, "full"));
        fail("a", new FmplexException(ProblemType.RATE_LIMITED, null, "slow down"));
        fail("a", new FmplexException(ProblemType.DEADLINE_EXCEEDED, null, "late"));
        fail("a", new FmplexException(ProblemType.TOO_MANY_INPUTS, "inputs", "too many"));
        fail("a", new FmplexException(ProblemType.VFM_FAILED, null, "NaN"));
        fail("a", new IllegalStateException("a bug"));
        // What the call throws before it has a Mono (a rate limit) counts too.
        recorder.observe(
                        "a",
                        () -> {
                            throw new FmplexException(ProblemType.RATE_LIMITED, null, "no");
                        })
                .onErrorResume(e -> Mono.empty())
                .block();

        TrafficSummary summary = recorder.summary("a");
        assertThat(summary.requests()).isZero();
        assertThat(summary.rejected()).isEqualTo(3);
        assertThat(summary.timeouts()).isEqualTo(1);
        assertThat(summary.invalid()).isEqualTo(1);
        assertThat(summary.errors()).isEqualTo(2);
        assertThat(summary.p50Ms()).isNull();
    }

    @Test
    void theSummaryCoversTheLastMinuteOnly() {
        for (int i = 0; i < 10; i++) {
            succeed("a", 1, 1);
        }
        clock.advanceSeconds(60);
        for (int i = 0; i < 30; i++) {
            succeed("a", 1, 1);
        }
        clock.advanceSeconds(1.5); // into the newest interval, which is still filling
        TrafficSummary summary = recorder.summary("a");
        // 29 whole intervals and 1.5 s (+1 ms: the clock's millisecond itself) of the newest.
        assertThat(summary.windowSeconds()).isEqualTo(59.501);
        assertThat(summary.requests()).isEqualTo(30);
        assertThat(summary.requestsPerSecond()).isCloseTo(30 / 59.501, within(1e-9));
        assertThat(summary.p50Ms()).isNotNull().isPositive();
        assertThat(summary.meanBatchTasks()).isEqualTo(1.0);
    }

    @Test
    void severalVfmsAddUpAndAForgottenOneIsGone() {
        succeed("a", 1, 2);
        succeed("b", 1, 2);
        succeed("b", 1, 2);
        assertThat(recorder.summary(List.of("a", "b", "never-seen")).requests()).isEqualTo(3);
        // A 404 for an id that is no vFM keeps nothing, so made-up ids cannot grow memory.
        fail("made-up", new FmplexException(ProblemType.UNKNOWN_VFM, "id", "no such vFM"));
        assertThat(recorder.trackedVfms()).isEqualTo(2); // "a" and "b"
        recorder.forget("b");
        assertThat(recorder.summary("b").requests()).isZero();
        assertThat(recorder.history("b").points()).allMatch(p -> p.requests() == 0);
        assertThat(recorder.trackedVfms()).isEqualTo(1);
    }

    @Test
    void aFanOutCountsOnceForEachVfmWithItsOwnBatch() {
        recorder.observeAll(
                        List.of("a", "b"),
                        () ->
                                Mono.just(
                                        new dev.fmplex.model.api.FanOutResponse(
                                                List.of(reply(2, 1), reply(2, 3)))))
                .block();
        assertThat(recorder.summary("a").meanBatchTasks()).isEqualTo(1.0);
        assertThat(recorder.summary("b").meanBatchTasks()).isEqualTo(3.0);
        recorder.observeAll(
                        List.of("a", "b"),
                        () ->
                                Mono.error(
                                        new FmplexException(
                                                ProblemType.DEADLINE_EXCEEDED, null, "late")))
                .onErrorResume(e -> Mono.empty())
                .block();
        assertThat(recorder.summary("a").timeouts()).isEqualTo(1);
        assertThat(recorder.summary("b").timeouts()).isEqualTo(1);
    }
}
