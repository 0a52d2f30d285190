package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.controlplane.ControlPlaneApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The distributed topology on loopback: a control plane on real PostgreSQL and two worker processes
 * that register and heartbeat. vFMs are placed on the workers that host their backbone within their
 * memory budgets; when the worker holding a vFM is killed, the vFM is served by the other one
 * within 10 s and no definition is lost.
 */
class ClusterFailoverTest {

    @TempDir static Path dir;
    private static EmbeddedPostgres postgres;
    private static ConfigurableApplicationContext controlPlane;
    private static final List<Process> workers = new ArrayList<>();
    private static WebTestClient client;

    @BeforeAll
    static void startCluster() throws Exception {
        postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
        controlPlane =
                new SpringApplicationBuilder(ControlPlaneApplication.class)
                        .properties(ControlPlaneApplication.defaults())
                        .run(
                                "--server.port=0",
                                "--spring.datasource.url="
                                        + postgres.getJdbcUrl("postgres", "postgres"),
                                "--spring.datasource.username=postgres",
                                "--fmplex.control.heartbeat-interval-ms=500",
                                // 3 s of silence: a GC pause on a busy CI machine is not a death.
                                "--fmplex.control.missed-heartbeats=6",
                                // The test's load (tens of requests/s) makes its vFM hot.
                                "--fmplex.control.replicate-above-rps=5");
        int port = ((WebServerApplicationContext) controlPlane).getWebServer().getPort();
        client =
                WebTestClient.bindToServer()
                        .baseUrl("http://localhost:" + port)
                        .responseTimeout(Duration.ofMinutes(1))
                        .build();
        for (int i = 0; i < 2; i++) {
            workers.add(
                    new ProcessBuilder(
                                    Path.of(System.getProperty("java.home"), "bin", "java")
                                            .toString(),
                                    "-Dai.djl.offline=true",
                                    "-Xmx1g",
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    "dev.fmplex.worker.WorkerApplication",
                                    "--server.port=0",
                                    "--fmplex.worker.control-plane-url=http://localhost:" + port,
                                    "--fmplex.worker.memory-budget=512MB")
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("worker-" + i + ".log").toFile())
                            .start());
        }
        await(
                () -> {
                    for (int i = 0; i < workers.size(); i++) {
                        if (!workers.get(i).isAlive()) {
                            throw new AssertionError(
                                    "worker process " + i + " exited; see its log in " + dir);
                        }
                    }
                    return aliveWorkers().size() == 2;
                },
                Duration.ofMinutes(2),
                "two workers to register");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (Process worker : workers) {
            worker.destroyForcibly().waitFor();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void vfmsArePlacedWithinBudgetsAndMoveToAnotherWorkerWhenTheirsDies() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(
                    createVfm(
                            client,
                            "{\"name\":\"placed-"
                                    + i
                                    + "\",\"backbone\":\""
                                    + BACKBONE
                                    + "\",\"task\":{\"kind\":\"embedding\"}}"));
        }
        String classifier =
                createVfm(
                        client,
                        "{\"name\":\"remote-classifier\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"classification\",\"labels\":[\"neg\",\"pos\"]}}");
        ApiCalls.upload(client, classifier, PeftFiles.loraClassifier(1, 2, PeftFiles.HIDDEN))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.residentBytes")
                .isEqualTo(PeftFiles.LORA_CLASSIFIER_BYTES);
        ApiCalls.upload(client, classifier, PeftFiles.loraClassifier(1, 2, 16))
                .expectStatus()
                .isEqualTo(422);
        ids.add(classifier);

        // Spread over both workers, never over budget.
        List<Map<String, Object>> placements = placements();
        assertThat(placements).hasSize(5);
        assertThat(placements.stream().map(p -> p.get("worker")).distinct().count()).isEqualTo(2);
        for (Map<String, Object> worker : aliveWorkers()) {
            assertThat(((Number) worker.get("usedBytes")).longValue())
                    .isLessThanOrEqualTo(((Number) worker.get("memoryBudgetBytes")).longValue());
        }

        String target = ids.get(0);
        String hostAddress =
                (String)
                        placements.stream()
                                .filter(p -> p.get("vfm").equals(target))
                                .findFirst()
                                .orElseThrow()
                                .get("address");
        post(client, "/vfms/" + target + "/infer", "{\"inputs\":[\"first\"]}")
                .expectStatus()
                .isOk();
        BackgroundLoad load = new BackgroundLoad(client, target, "{\"inputs\":[\"still there?\"]}");
        await(() -> load.served() >= 5, Duration.ofMinutes(1), "load to be served");
        // Hot: a second replica appears on the other worker.
        await(
                () -> placements().stream().filter(p -> p.get("vfm").equals(target)).count() == 2,
                Duration.ofSeconds(30),
                "the hot vFM to be replicated");
        int failedBeforeKill = load.failed();

        Process victim = workers.get(workerIndexAt(hostAddress));
        long killed = System.nanoTime();
        victim.destroyForcibly().waitFor();
        await(
                () -> {
                    List<Map<String, Object>> now = placements();
                    return now.stream()
                            .anyMatch(
                                    p ->
                                            p.get("vfm").equals(target)
                                                    && !p.get("address").equals(hostAddress));
                },
                Duration.ofSeconds(30),
                "the vFM to be placed on the surviving worker");
        int servedAtMove = load.served();
        await(
                () -> load.served() > servedAtMove + 5,
                Duration.ofSeconds(30),
                "requests to succeed again");
        load.close();

        double recoverySeconds =
                load.lastFailureNanos() == 0 ? 0 : (load.lastFailureNanos() - killed) / 1e9;
        System.out.printf(
                "failover: %d requests failed while the worker was down; served again %.1f s after"
                        + " the kill; %d served in total%n",
                load.failed(), recoverySeconds, load.served());
        System.out.printf(
                "failover with a replica: %d requests failed after the kill%n",
                load.failed() - failedBeforeKill);
        assertThat(recoverySeconds)
                .as("seconds until the vFM was served by another worker")
                .isLessThan(10);
        // Once the dead worker is detected, every vFM is still defined and served by the survivor.
        await(
                () -> aliveWorkers().size() == 1,
                Duration.ofSeconds(30),
                "the killed worker to be declared dead");
        await(
                () ->
                        ids.stream()
                                .allMatch(
                                        id ->
                                                placements().stream()
                                                        .anyMatch(
                                                                p ->
                                                                        p.get("vfm").equals(id)
                                                                                && !p.get("address")
                                                                                        .equals(
                                                                                                hostAddress))),
                Duration.ofSeconds(30),
                "every vFM to be placed on the surviving worker");
        for (String id : ids) {
            client.get().uri("/vfms/{id}", id).exchange().expectStatus().isOk();
            post(client, "/vfms/" + id + "/infer", "{\"inputs\":[\"after failover\"]}")
                    .expectStatus()
                    .isOk();
        }
        assertThat(aliveWorkers()).hasSize(1);
    }

    private static int workerIndexAt(String address) {
        // Worker processes log their registration; match the port in each log.
        String port = address.substring(address.lastIndexOf(':') + 1);
        for (int i = 0; i < workers.size(); i++) {
            try {
                if (java.nio.file.Files.readString(dir.resolve("worker-" + i + ".log"))
                        .contains(":" + port + ")")) {
                    return i;
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        throw new AssertionError("no worker process at " + address);
    }

    private static List<Map<String, Object>> aliveWorkers() {
        List<Map<String, Object>> all =
                client.get()
                        .uri("/workers")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                        .returnResult()
                        .getResponseBody();
        return all.stream().filter(w -> "ALIVE".equals(w.get("state"))).toList();
    }

    private static List<Map<String, Object>> placements() {
        return client.get()
                .uri("/placements")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                .returnResult()
                .getResponseBody();
    }

    private static void await(BooleanSupplier condition, Duration limit, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }
}
