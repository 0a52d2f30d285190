package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.expectProblem;
import static dev.fmplex.standalone.ApiCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.web.KeepAliveReads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The walking skeleton end to end: real HTTP on Netty, embedded PostgreSQL with a data directory
 * that outlives the process, and the real MiniLM backbone.
 */
class StandaloneEndToEndTest {

    @TempDir static Path dataDir;
    private static StandaloneServer server;

    @BeforeAll
    static void start() {
        server = StandaloneServer.start(dataDir);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theServerKeepsReadingKeepAliveConnections() {
        assertThat(server.bean(NettyReactiveWebServerFactory.class).getServerCustomizers())
                .hasAtLeastOneElementOfType(KeepAliveReads.class);
    }

    @Test
    void aVfmCreatedBeforeARestartIsThereAndServesTheSameEmbeddingsAfterIt() {
        String id =
                createEmbeddingVfm(server.client(), "restart-survivor", "{\"kind\":\"embedding\"}");
        List<Double> before = embed(server.client(), id, "FMplex keeps its catalog in PostgreSQL.");
        assertThat(before).hasSize(384);
        assertThat(norm(before)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));

        server.close();
        assertThat(Files.exists(dataDir.resolve("postgres").resolve("PG_VERSION"))).isTrue();
        server = StandaloneServer.start(dataDir);

        server.client()
                .get()
                .uri("/vfms/{id}", id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.name")
                .isEqualTo("restart-survivor")
                .jsonPath("$.state")
                .isEqualTo("ACTIVE")
                .jsonPath("$.task.kind")
                .isEqualTo("embedding")
                .jsonPath("$.task.pooling")
                .isEqualTo("mean")
                .jsonPath("$.task.normalize")
                .isEqualTo(true);
        List<Double> after = embed(server.client(), id, "FMplex keeps its catalog in PostgreSQL.");
        assertThat(after).isEqualTo(before);
    }

    @Test
    void listsTheBundledBackboneWithItsShape() {
        server.client()
                .get()
                .uri("/backbones")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$[0].name")
                .isEqualTo(BACKBONE)
                .jsonPath("$[0].family")
                .isEqualTo("bert")
                .jsonPath("$[0].modality")
                .isEqualTo("text")
                .jsonPath("$[0].hiddenSize")
                .isEqualTo(384)
                .jsonPath("$[0].layers")
                .isEqualTo(6)
                .jsonPath("$[0].maxInputTokens")
                .isEqualTo(256);
    }

    @Test
    void inferReturnsOneOutputPerInputWithTiming() {
        WebTestClient client = server.client();
        String id =
                createEmbeddingVfm(
                        client,
                        "timing",
                        "{\"kind\":\"embedding\",\"pooling\":\"cls\",\"normalize\":false}");
        client.post()
                .uri("/vfms/{id}/infer", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"inputs\":[\"one\",\"two words\",\"and three words\"]}")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.vfm")
                .isEqualTo(id)
                .jsonPath("$.version")
                .isEqualTo(1)
                .jsonPath("$.outputs.length()")
                .isEqualTo(3)
                .jsonPath("$.outputs[2].embedding.length()")
                .isEqualTo(384)
                .jsonPath("$.outputs[0].truncated")
                .doesNotExist()
                .jsonPath("$.timing.queueMs")
                .isNumber()
                .jsonPath("$.timing.computeMs")
                .isNumber()
                .jsonPath("$.timing.batchRows")
                .isEqualTo(3)
                .jsonPath("$.timing.batchTasks")
                .isEqualTo(1);
        client.get()
                .uri("/vfms")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$[?(@.name == 'timing')].task.pooling")
                .isEqualTo("cls");
    }

    @Test
    void longInputsAreTruncatedAndReportedOrRejectedWith413() {
        WebTestClient client = server.client();
        String id = createEmbeddingVfm(client, "long-texts", "{\"kind\":\"embedding\"}");
        String longText = String.join(" ", Collections.nCopies(300, "word"));
        client.post()
                .uri("/vfms/{id}/infer", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("inputs", List.of("short", longText)))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.outputs[0].truncated")
                .doesNotExist()
                .jsonPath("$.outputs[1].truncated")
                .isEqualTo(true)
                .jsonPath("$.outputs[1].inputTokens")
                .isEqualTo(302);
        expectProblem(
                        client.post()
                                .uri("/vfms/{id}/infer", id)
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(
                                        Map.of(
                                                "inputs",
                                                List.of("short", longText),
                                                "truncate",
                                                false))
                                .exchange(),
                        413,
                        "input-too-long",
                        "inputs[1]")
                .jsonPath("$.limit")
                .isEqualTo(256)
                .jsonPath("$.actual")
                .isEqualTo(302);
    }

    @Test
    void badInputGetsPreciseProblemsAndTheServerKeepsServing() {
        WebTestClient client = server.client();
        String id = createEmbeddingVfm(client, "bad-input", "{\"kind\":\"embedding\"}");
        String infer = "/vfms/" + id + "/infer";

        expectProblem(post(client, infer, "{\"inputs\":[]}"), 400, "invalid-request", "inputs");
        expectProblem(
                        post(client, infer, "{\"inputs\":[\"ok\", 42]}"),
                        400,
                        "invalid-request",
                        "inputs[1]")
                .jsonPath("$.detail")
                .isEqualTo("inputs[1] must be a string, got a number");
        expectProblem(
                post(client, infer, "{\"inputs\":[\"ok\", {\"image\":\"iVBO\"}]}"),
                422,
                "wrong-modality",
                "inputs[1]");
        expectProblem(
                post(client, infer, "{\"inputs\":\"not a list\"}"),
                400,
                "invalid-request",
                "inputs");
        expectProblem(
                post(client, infer, "{\"inputs\":[\"unterminated\""), 400, "malformed-json", null);
        expectProblem(
                post(client, infer, "{\"inputs\":[\"a\"],\"truncat\":false}"),
                400,
                "invalid-request",
                "truncat");
        String tooMany =
                "{\"inputs\":[" + String.join(",", Collections.nCopies(65, "\"x\"")) + "]}";
        expectProblem(post(client, infer, tooMany), 413, "too-many-inputs", "inputs")
                .jsonPath("$.limit")
                .isEqualTo(64)
                .jsonPath("$.actual")
                .isEqualTo(65);
        String huge = "{\"inputs\":[\"" + "x".repeat(5 * 1024 * 1024) + "\"]}";
        expectProblem(post(client, infer, huge), 413, "request-too-large", null);

        expectProblem(
                post(
                        client,
                        "/vfms/00000000-0000-0000-0000-000000000000/infer",
                        "{\"inputs\":[\"a\"]}"),
                404,
                "unknown-vfm",
                "id");
        expectProblem(client.get().uri("/vfms/not-a-uuid").exchange(), 404, "unknown-vfm", "id");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"x\",\"backbone\":\"bert-huge\",\"task\":{\"kind\":\"embedding\"}}"),
                422,
                "unknown-backbone",
                "backbone");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"x\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"summarize\"}}"),
                400,
                "invalid-request",
                "task");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"x\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\",\"pooling\":\"avg\"}}"),
                400,
                "invalid-request",
                "task.pooling");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"x\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"weight\":0,\"task\":{\"kind\":\"embedding\"}}"),
                400,
                "invalid-request",
                "weight");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"has space\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\"}}"),
                400,
                "invalid-request",
                "name");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"bad-input\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\"}}"),
                409,
                "duplicate-name",
                "name");

        // After all of that, the same vFM still answers.
        assertThat(embed(client, id, "still serving")).hasSize(384);
    }

    @Test
    void fanOutRunsOneInputThroughSeveralVfmsAndDeadlinesAreHonoured() {
        WebTestClient client = server.client();
        String mean = createEmbeddingVfm(client, "fan-mean", "{\"kind\":\"embedding\"}");
        String cls =
                createEmbeddingVfm(
                        client, "fan-cls", "{\"kind\":\"embedding\",\"pooling\":\"cls\"}");
        post(
                        client,
                        "/infer",
                        "{\"vfms\":[\""
                                + mean
                                + "\",\""
                                + cls
                                + "\"],\"inputs\":[\"shared text\"]}")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.results.length()")
                .isEqualTo(2)
                .jsonPath("$.results[0].vfm")
                .isEqualTo(mean)
                .jsonPath("$.results[1].vfm")
                .isEqualTo(cls)
                .jsonPath("$.results[1].outputs[0].embedding.length()")
                .isEqualTo(384);
        expectProblem(
                post(client, "/infer", "{\"vfms\":[\"" + mean + "\",\"nope\"],\"inputs\":[\"x\"]}"),
                404,
                "unknown-vfm",
                "vfms[1]");
        expectProblem(
                post(client, "/vfms/" + mean + "/infer", "{\"inputs\":[\"x\"],\"timeoutMs\":0}"),
                400,
                "invalid-request",
                "timeoutMs");
    }

    @Test
    void aQuotaLowersTheInputLimitOfItsVfmOnly() {
        WebTestClient client = server.client();
        String limited =
                createVfm(
                        client,
                        "{\"name\":\"limited\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\"},\"quota\":{\"maxInputsPerRequest\":2}}");
        String open = createEmbeddingVfm(client, "unlimited", "{\"kind\":\"embedding\"}");
        String three = "{\"inputs\":[\"a\",\"b\",\"c\"]}";
        expectProblem(
                        post(client, "/vfms/" + limited + "/infer", three),
                        413,
                        "too-many-inputs",
                        "inputs")
                .jsonPath("$.limit")
                .isEqualTo(2);
        post(client, "/vfms/" + open + "/infer", three).expectStatus().isOk();
    }

    private static String createEmbeddingVfm(WebTestClient client, String name, String task) {
        return createVfm(
                client,
                "{\"name\":\""
                        + name
                        + "\",\"backbone\":\""
                        + BACKBONE
                        + "\",\"task\":"
                        + task
                        + "}");
    }

    @SuppressWarnings("unchecked")
    private static String createVfm(WebTestClient client, String json) {
        Map<String, Object> created =
                post(client, "/vfms", json)
                        .expectStatus()
                        .isCreated()
                        .expectHeader()
                        .exists("Location")
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        assertThat(created).containsEntry("state", "ACTIVE").containsEntry("version", 1);
        return (String) created.get("id");
    }

    @SuppressWarnings("unchecked")
    private static List<Double> embed(WebTestClient client, String id, String text) {
        Map<String, Object> response =
                client.post()
                        .uri("/vfms/{id}/infer", id)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("inputs", List.of(text)))
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        List<Map<String, Object>> outputs = (List<Map<String, Object>>) response.get("outputs");
        return ((List<Number>) outputs.get(0).get("embedding"))
                .stream().map(Number::doubleValue).toList();
    }

    private static double norm(List<Double> vector) {
        return Math.sqrt(vector.stream().mapToDouble(v -> v * v).sum());
    }
}
