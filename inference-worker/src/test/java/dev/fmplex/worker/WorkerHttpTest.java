package dev.fmplex.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.worker.inference.VfmDeployments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The worker's own HTTP API under real load on the real backbone: 64 concurrent clients, the 429 /
 * 504 / cancel / pause paths, fan-out, and the internal load endpoint.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"fmplex.worker.queue-capacity=16", "fmplex.worker.max-inputs-per-request=64"})
class WorkerHttpTest {

    private static final String BACKBONE = "all-minilm-l6-v2";

    @LocalServerPort int port;
    @Autowired VfmDeployments deployments;

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @BeforeEach
    void deploy() {
        for (int v = 0; v < 8; v++) {
            deployments.deploy(
                    new VfmDeployment(
                            "client-" + v,
                            1,
                            BACKBONE,
                            new EmbeddingTask(v % 2 == 0 ? Pooling.MEAN : Pooling.CLS, true),
                            null,
                            1 + v % 3),
                    Map.of());
        }
        for (String id : List.of("flood", "late", "cancelled", "paused")) {
            deployments.deploy(
                    new VfmDeployment(id, 1, BACKBONE, new EmbeddingTask(null, null), null),
                    Map.of());
        }
    }

    private WebClient client() {
        return WebClient.builder()
                .filter(ClusterSigning.FILTER)
                .baseUrl("http://localhost:" + port)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(64 << 20))
                .build();
    }

    private record Reply(int status, Map<String, Object> body, String retryAfter) {}

    private Mono<Reply> infer(String vfm, List<String> inputs, Integer timeoutMs) {
        Map<String, Object> body =
                timeoutMs == null
                        ? Map.of("inputs", inputs)
                        : Map.of("inputs", inputs, "timeoutMs", timeoutMs);
        return client().post()
                .uri("/vfms/{id}/infer", vfm)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchangeToMono(
                        response ->
                                response.bodyToMono(
                                                new ParameterizedTypeReference<
                                                        Map<String, Object>>() {})
                                        .map(
                                                json ->
                                                        new Reply(
                                                                response.statusCode().value(),
                                                                json,
                                                                response.headers()
                                                                        .asHttpHeaders()
                                                                        .getFirst("Retry-After"))));
    }

    @Test
    void sixtyFourConcurrentClientsAllSucceedAndShareBatches() {
        List<Mono<Reply>> calls = new ArrayList<>();
        for (int c = 0; c < 64; c++) {
            calls.add(
                    infer(
                            "client-" + (c % 8),
                            List.of("request " + c, "second input of request " + c),
                            null));
        }
        long start = System.nanoTime();
        List<Reply> replies = Flux.merge(calls).collectList().block(Duration.ofMinutes(2));
        double wallMs = (System.nanoTime() - start) / 1e6;
        assertThat(replies)
                .hasSize(64)
                .allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));
        int maxTasks =
                replies.stream()
                        .mapToInt(
                                r ->
                                        ((Number)
                                                        ((Map<?, ?>) r.body().get("timing"))
                                                                .get("batchTasks"))
                                                .intValue())
                        .max()
                        .orElseThrow();
        assertThat(maxTasks).as("requests of several vFMs shared a batch").isGreaterThan(1);
        System.out.printf(
                "64 concurrent clients: all 200 in %.0f ms, largest batch mixed %d vFMs%n",
                wallMs, maxTasks);
    }

    @Test
    void floodsGet429LateRequests504CancelledOnesLeaveAndPausedVfmsFinishTheirQueue() {
        String longText = String.join(" ", Collections.nCopies(90, "saturation"));
        List<String> heavy = Collections.nCopies(32, longText);
        // 30 heavy requests at once: 1 runs, 16 queue (the cap), the rest are refused.
        List<Reply> flood = Collections.synchronizedList(new ArrayList<>());
        Disposable floodCalls =
                Flux.range(0, 30)
                        .flatMap(i -> infer("flood", heavy, 120_000), 30)
                        .subscribe(flood::add);
        await(
                () -> deployments.stats().get(BACKBONE).vfms().get("flood").queuedRequests() >= 10,
                "the flood to queue");

        Reply paused = null;
        Mono<Reply> queuedBeforePause =
                infer("paused", List.of("queued before the pause"), 120_000).cache();
        queuedBeforePause.subscribe();
        await(() -> queued("paused") == 1, "the paused vFM's request to queue");
        client().post().uri("/internal/vfms/paused/pause").retrieve().toBodilessEntity().block();
        paused = infer("paused", List.of("after the pause"), null).block();

        Disposable cancelled = infer("cancelled", List.of("never mind"), 120_000).subscribe();
        await(() -> queued("cancelled") == 1, "the cancelled request to queue");
        cancelled.dispose();

        // 1 ms cannot cover even the wait for the flood's running batch: a certain 504.
        Reply late = infer("late", List.of("too late"), 1).block(Duration.ofMinutes(1));

        Reply stillQueued = queuedBeforePause.block(Duration.ofMinutes(2));
        await(() -> flood.size() == 30, "the flood to finish");
        floodCalls.dispose();

        assertThat(flood.stream().filter(r -> r.status() == 429).count())
                .as("flood requests refused")
                .isGreaterThan(0);
        assertThat(flood)
                .filteredOn(r -> r.status() == 429)
                .allSatisfy(
                        r -> {
                            assertThat(r.retryAfter()).isNotNull();
                            assertThat(r.body())
                                    .containsEntry(
                                            "type", "https://fmplex.dev/problems/queue-full");
                        });
        assertThat(flood.stream().filter(r -> r.status() == 200).count())
                .isGreaterThanOrEqualTo(16);
        assertThat(late.status()).isEqualTo(504);
        assertThat(late.body())
                .containsEntry("type", "https://fmplex.dev/problems/deadline-exceeded");
        assertThat(paused.status()).isEqualTo(409);
        assertThat(paused.body()).containsEntry("type", "https://fmplex.dev/problems/vfm-paused");
        assertThat(stillQueued.status())
                .as("queued before the pause, finished after it")
                .isEqualTo(200);
        var cancelledStats = deployments.stats().get(BACKBONE).vfms().get("cancelled");
        assertThat(cancelledStats.queuedRequests()).isZero();
        assertThat(cancelledStats.completedRequests())
                .as("the cancelled request never ran")
                .isZero();
        client().post().uri("/internal/vfms/paused/resume").retrieve().toBodilessEntity().block();
        assertThat(infer("paused", List.of("resumed"), null).block().status()).isEqualTo(200);
    }

    @Test
    void fanOutRunsOneTextThroughSeveralVfmsWithTheirOwnResults() {
        WebTestClient web =
                WebTestClient.bindToServer()
                        .filter(ClusterSigning.FILTER)
                        .baseUrl("http://localhost:" + port)
                        .responseTimeout(Duration.ofMinutes(1))
                        .build();
        Map<String, Object> fanned =
                web.post()
                        .uri("/infer")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(
                                Map.of(
                                        "vfms",
                                        List.of("client-0", "client-1", "client-2"),
                                        "inputs",
                                        List.of("one text")))
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                        .returnResult()
                        .getResponseBody();
        List<Map<String, Object>> results = (List<Map<String, Object>>) fanned.get("results");
        assertThat(results)
                .extracting(r -> r.get("vfm"))
                .containsExactly("client-0", "client-1", "client-2");
        for (Map<String, Object> result : results) {
            Reply alone = infer((String) result.get("vfm"), List.of("one text"), null).block();
            List<Number> expected =
                    (List<Number>)
                            ((List<Map<String, Object>>) alone.body().get("outputs"))
                                    .get(0)
                                    .get("embedding");
            List<Number> actual =
                    (List<Number>)
                            ((List<Map<String, Object>>) result.get("outputs"))
                                    .get(0)
                                    .get("embedding");
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i).doubleValue())
                        .isCloseTo(
                                expected.get(i).doubleValue(),
                                org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        web.post()
                .uri("/infer")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vfms", List.of("client-0", "nope"), "inputs", List.of("x")))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("vfms[1]");
    }

    @Test
    void theInternalEndpointLoadsAVersionFromItsArtifacts() {
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        parts.part(
                "deployment",
                new VfmDeployment(
                        "loaded",
                        3,
                        BACKBONE,
                        new ClassificationTask(List.of("a", "b"), false, null, null),
                        null,
                        2.0),
                MediaType.APPLICATION_JSON);
        parts.part("files", new byte[] {1, 2}).filename("adapter_model.bin");
        WebTestClient web =
                WebTestClient.bindToServer()
                        .filter(ClusterSigning.FILTER)
                        .baseUrl("http://localhost:" + port)
                        .build();
        web.put()
                .uri("/internal/vfms/loaded")
                .body(BodyInserters.fromMultipartData(parts.build()))
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatusCode.valueOf(422))
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("files[adapter_model.bin]");
        MultipartBodyBuilder embedding = new MultipartBodyBuilder();
        embedding.part(
                "deployment",
                new VfmDeployment("loaded", 3, BACKBONE, new EmbeddingTask(null, null), null, 2.0),
                MediaType.APPLICATION_JSON);
        web.put()
                .uri("/internal/vfms/loaded")
                .body(BodyInserters.fromMultipartData(embedding.build()))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(3);
        assertThat(infer("loaded", List.of("hi"), null).block().body()).containsEntry("version", 3);
        web.get()
                .uri("/internal/stats")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$['" + BACKBONE + "'].policy")
                .isEqualTo("fair");
        // One vFM's queue and fair shares, for the control plane's GET /vfms/{id}/stats.
        web.get()
                .uri("/internal/vfms/loaded/stats")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.completedRequests")
                .value(n -> assertThat(((Number) n).longValue()).isPositive())
                .jsonPath("$.weightShare")
                .value(share -> assertThat(((Number) share).doubleValue()).isBetween(0.001, 1.0))
                .jsonPath("$.achievedShare")
                .value(share -> assertThat(((Number) share).doubleValue()).isBetween(0.0, 1.0));
        web.delete().uri("/internal/vfms/loaded").exchange().expectStatus().isNoContent();
        // Like every call for a vFM this worker does not hold: 503 vfm-not-loaded, try elsewhere.
        web.get().uri("/internal/vfms/loaded/stats").exchange().expectStatus().isEqualTo(503);
        web.post()
                .uri("/vfms/loaded/infer")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("inputs", List.of("hi")))
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    private int queued(String vfm) {
        var stats = deployments.stats().get(BACKBONE).vfms().get(vfm);
        return stats == null ? 0 : stats.queuedRequests();
    }

    /** Polls a condition (the scheduler's own state), failing after a generous limit. */
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
