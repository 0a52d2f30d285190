package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.LocalCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.client.model.ClassificationTask;
import dev.fmplex.client.model.EmbeddingTask;
import dev.fmplex.client.model.PlacementView;
import dev.fmplex.client.model.WorkerView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed topology on loopback: a control plane on real PostgreSQL and two worker processes
 * that register and heartbeat. vFMs are placed on the workers that host their backbone within their
 * memory budgets; a hot vFM gets a second replica and its load spreads over both; when a worker is
 * killed, every vFM it held is served by the other one within 10 s and no definition is lost.
 */
class ClusterFailoverTest {

    @TempDir static Path dir;
    private static LocalCluster cluster;
    private static FmplexApi api;

    @BeforeAll
    static void startCluster() throws Exception {
        // The test's load (tens of requests/s) makes its vFM hot.
        cluster = LocalCluster.start(dir, "--fmplex.control.replicate-above-rps=5");
        api = cluster.api();
        for (int i = 0; i < 2; i++) {
            cluster.startWorker("--fmplex.worker.memory-budget=512MB");
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close("ClusterFailoverTest");
        }
    }

    @Test
    void vfmsArePlacedWithinBudgetsAndMoveToAnotherWorkerWhenTheirsDies() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(api.create("placed-" + i, BACKBONE, new EmbeddingTask()).getId());
        }
        String classifier =
                api.create(
                                "remote-classifier",
                                BACKBONE,
                                new ClassificationTask().labels(List.of("neg", "pos")))
                        .getId();
        assertThat(
                        api.upload(
                                        classifier,
                                        PeftFiles.loraClassifier(1, 2, PeftFiles.HIDDEN),
                                        dir)
                                .getResidentBytes())
                .isEqualTo(PeftFiles.LORA_CLASSIFIER_BYTES);
        assertThat(
                        FmplexApi.problemOf(
                                () ->
                                        api.upload(
                                                classifier,
                                                PeftFiles.loraClassifier(1, 2, 16),
                                                dir)))
                .isEqualTo("422 invalid-artifact");
        ids.add(classifier);

        // Spread over both workers, never over budget.
        List<PlacementView> placements = api.placements();
        assertThat(placements).hasSize(5);
        assertThat(placements.stream().map(PlacementView::getWorker).distinct()).hasSize(2);
        assertWithinBudgets();

        String target = ids.get(0);
        String hostAddress = addressOf(target, placements);
        assertThat(api.infer(target, "first").getOutputs()).hasSize(1);
        BackgroundLoad load = new BackgroundLoad(api, target, "still there?");
        await(() -> load.served() >= 5, Duration.ofMinutes(1), "load to be served");
        // Hot: a second replica appears on the other worker, and the router sends it requests.
        await(
                () -> replicasOf(target).size() == 2,
                Duration.ofSeconds(30),
                "the hot vFM to be replicated");
        String otherAddress =
                replicasOf(target).stream()
                        .map(PlacementView::getAddress)
                        .filter(a -> !a.equals(hostAddress))
                        .findFirst()
                        .orElseThrow();
        await(
                () -> completedOn(otherAddress, target) > 0,
                Duration.ofSeconds(30),
                "the replica on " + otherAddress + " to serve requests");
        assertWithinBudgets();
        assertThat(load.failed()).as("errors before any worker died").isZero();

        // The worker's scheduler metrics are scraped where Prometheus would scrape them.
        String metrics = scrape(hostAddress);
        for (String name :
                List.of(
                        "fmplex_queue_depth",
                        "fmplex_batch_rows_count",
                        "fmplex_batch_vfms_count",
                        "fmplex_request_queue_seconds_count",
                        "fmplex_request_compute_seconds_count",
                        "fmplex_request_cost_milliseconds_total",
                        "fmplex_executor_utilization")) {
            assertThat(metrics).as("worker metric " + name).contains(name);
        }

        long killed = System.nanoTime();
        cluster.workerAt(hostAddress).process().destroyForcibly().waitFor();
        // Every vFM, the ones with a single replica too, is served by the survivor.
        await(
                () ->
                        ids.stream()
                                .allMatch(
                                        id ->
                                                api.placements().stream()
                                                        .anyMatch(
                                                                p ->
                                                                        p.getVfm().equals(id)
                                                                                && !p.getAddress()
                                                                                        .equals(
                                                                                                hostAddress))),
                Duration.ofSeconds(30),
                "every vFM to be placed on the surviving worker");
        for (String id : ids) {
            assertThat(api.get(id).getState()).hasToString("ACTIVE");
            assertThat(api.infer(id, "after failover").getOutputs()).hasSize(1);
        }
        double allServedSeconds = (System.nanoTime() - killed) / 1e9;
        int servedAtMove = load.served();
        await(
                () -> load.served() > servedAtMove + 5,
                Duration.ofSeconds(30),
                "the hot vFM's load to be served again");
        load.close();
        double lastFailureSeconds =
                load.lastFailureNanos() > killed ? (load.lastFailureNanos() - killed) / 1e9 : 0;
        System.out.printf(
                "failover: %d of %d requests of the replicated vFM failed after the kill (last"
                        + " failure %.1f s after it); all %d vFMs served by the survivor %.1f s"
                        + " after the kill%n",
                load.failed(),
                load.failed() + load.served(),
                lastFailureSeconds,
                ids.size(),
                allServedSeconds);
        assertThat(allServedSeconds)
                .as("seconds until every vFM of the dead worker was served by another")
                .isLessThan(10);
        assertThat(lastFailureSeconds)
                .as("seconds until the replicated vFM stopped failing")
                .isLessThan(10);
        await(
                () -> api.aliveWorkers().size() == 1,
                Duration.ofSeconds(30),
                "the killed worker to be declared dead");
        assertWithinBudgets();
    }

    private static void assertWithinBudgets() {
        for (WorkerView worker : api.aliveWorkers()) {
            assertThat(worker.getUsedBytes())
                    .as("used bytes of worker " + worker.getAddress())
                    .isLessThanOrEqualTo(worker.getMemoryBudgetBytes());
        }
    }

    private static List<PlacementView> replicasOf(String vfm) {
        return api.placements().stream().filter(p -> p.getVfm().equals(vfm)).toList();
    }

    private static String addressOf(String vfm, List<PlacementView> placements) {
        return placements.stream()
                .filter(p -> p.getVfm().equals(vfm))
                .findFirst()
                .orElseThrow()
                .getAddress();
    }

    /** Requests the worker at {@code address} completed for {@code vfm}, from its own stats. */
    @SuppressWarnings("unchecked")
    private static long completedOn(String address, String vfm) {
        Map<String, Map<String, Object>> perBackbone =
                TestSecrets.signedClient(address)
                        .get()
                        .uri("/internal/stats")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        long completed = 0;
        for (Map<String, Object> backbone : perBackbone.values()) {
            Map<String, Map<String, Object>> queues =
                    (Map<String, Map<String, Object>>) backbone.get("vfms");
            if (queues.containsKey(vfm)) {
                completed += ((Number) queues.get(vfm).get("completedRequests")).longValue();
            }
        }
        return completed;
    }

    private static String scrape(String address) {
        return TestSecrets.signedClient(address)
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }
}
