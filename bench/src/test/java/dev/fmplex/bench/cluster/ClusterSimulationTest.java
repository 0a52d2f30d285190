package dev.fmplex.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSimulationTest {

    /** 2 ms a batch plus 20 ms per dense GMAC: a 30-token MiniLM row takes about 8.4 ms alone. */
    private static final BatchCostModel COST = new BatchCostModel(2, 0, 20, 0);

    private static final long GIB = 1L << 30;

    private static List<TaskTrace.Task> tasks(
            int count, BackboneProfile backbone, double rate, double sloMs) {
        List<TaskTrace.Task> tasks = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            tasks.add(new TaskTrace.Task(k, backbone, rate, sloMs, k % 2 == 0 ? 8 : 0));
        }
        return tasks;
    }

    @Test
    void whenMemoryHoldsOnlySomeCopiesOneInstancePerTaskHostsThoseWhileFmplexHostsEveryTask() {
        // 1 GiB per worker, 100 MB of runtime, 1.5x the 361 MB of BERT-base weights = 542 MB:
        // one copy per worker fits, so 4 workers host 4 instances.
        Cluster cluster = new Cluster(4, 2, GIB, 100_000_000L, 1.5, 1.0, 0.7);
        List<TaskTrace.Task> trace = tasks(40, BackboneProfile.BERT_BASE, 0.01, 1000);

        Layout perTask = Placement.instancePerTask(cluster, trace, COST);
        Layout fmplex = Placement.fmplex(cluster, trace, COST);

        assertThat(perTask.hostedTasks()).isEqualTo(4);
        assertThat(perTask.servers).hasSize(4);
        // FMplex spreads its copies (at most one of a backbone per worker) and hosts every task.
        assertThat(fmplex.hostedTasks()).isEqualTo(40);
        assertThat(fmplex.servers).hasSizeBetween(1, 4);
        for (long used : perTask.memoryUsed) {
            assertThat(used).isLessThanOrEqualTo(cluster.memoryBytes());
        }
    }

    @Test
    void anIdleClusterServesEveryRequestInTheTimeItsBatchTakesAlone() {
        Cluster cluster = new Cluster(2, 2, 16 * GIB, 0, 1.0, 1.0, 0.7);
        double longest = COST.predictMs(BackboneProfile.MINILM, 1, 140);
        double shortest = COST.predictMs(BackboneProfile.MINILM, 1, 10);
        // One request per 1000 s per task: no request ever waits for another.
        List<TaskTrace.Task> loose = tasks(3, BackboneProfile.MINILM, 0.001, longest);
        List<TaskTrace.Task> tight = tasks(3, BackboneProfile.MINILM, 0.001, shortest);

        for (boolean fmplex : new boolean[] {true, false}) {
            Layout layout =
                    fmplex
                            ? Placement.fmplex(cluster, loose, COST)
                            : Placement.instancePerTask(cluster, loose, COST);
            ClusterSimulation.Outcome met =
                    ClusterSimulation.run(cluster, loose, layout, COST, 100_000, 3);
            ClusterSimulation.Outcome missed =
                    ClusterSimulation.run(cluster, tight, layout, COST, 100_000, 3);

            assertThat(met.hosted()).isEqualTo(3);
            assertThat(met.requests()).isGreaterThan(100);
            // Each request takes exactly its own batch time: all within the longest row's time,
            // and only the very shortest rows within the shortest's.
            assertThat(met.requestsWithinSlo()).isEqualTo(met.requests());
            assertThat(met.meetingSlo()).isEqualTo(3);
            assertThat(missed.requestAttainment()).isLessThan(0.2);
            assertThat(missed.meetingSlo()).isZero();
        }
    }

    @Test
    void sharingTheBackboneAndBothLanesHostsMoreTasksWithinTheirSloThanOneInstancePerTask() {
        // A batch costs 6 ms plus 10 ms per dense GMAC: one 30-token MiniLM row takes 9.2 ms
        // alone. One worker, two lanes, eight tasks at 30 req/s each.
        BatchCostModel cost = new BatchCostModel(6, 0, 10, 0);
        Cluster cluster = new Cluster(1, 2, 16 * GIB, 0, 1.0, 1.0, 0.7);
        List<TaskTrace.Task> trace = tasks(8, BackboneProfile.MINILM, 30, 100);

        Layout perTask = Placement.instancePerTask(cluster, trace, cost);
        Layout fmplex = Placement.fmplex(cluster, trace, cost);
        ClusterSimulation.Outcome perTaskOutcome =
                ClusterSimulation.run(cluster, trace, perTask, cost, 120, 5);
        ClusterSimulation.Outcome fmplexOutcome =
                ClusterSimulation.run(cluster, trace, fmplex, cost, 120, 5);

        // Alone, each task keeps 28% of a lane busy: two fit a lane's 70%, four the worker. One
        // backbone for all, taking work on either lane, fits a fifth; all of them meet the SLO.
        assertThat(perTask.hostedTasks()).isEqualTo(4);
        assertThat(perTaskOutcome.meetingSlo()).isEqualTo(4);
        assertThat(fmplex.hostedTasks()).isEqualTo(5);
        assertThat(fmplexOutcome.meetingSlo()).isEqualTo(5);
        assertThat(fmplexOutcome.requestAttainment()).isGreaterThan(0.99);
    }
}
