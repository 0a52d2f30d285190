package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.expectProblem;
import static dev.fmplex.standalone.ApiCalls.post;
import static dev.fmplex.standalone.ApiCalls.upload;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Independent lifecycles over real HTTP: one vFM goes through create, versions, pause, resume and
 * delete twenty times while another serves continuous load without a single error; invalid
 * transitions are 409; every transition is audited.
 */
class StandaloneLifecycleTest {

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

    private static String create(WebTestClient client, String name) {
        return createVfm(
                client,
                "{\"name\":\""
                        + name
                        + "\",\"backbone\":\""
                        + BACKBONE
                        + "\",\"task\":{\"kind\":\"embedding\"}}");
    }

    @Test
    void aVfmCyclingThroughItsLifecycleTwentyTimesNeverDisturbsAnotherUnderLoad() throws Exception {
        WebTestClient client = server.client();
        String steady = create(client, "steady");
        BackgroundLoad load = new BackgroundLoad(server.api(), steady, "steady traffic", "more");
        for (int cycle = 0; cycle < 20; cycle++) {
            String id = create(client, "cycling");
            upload(client, id, PeftFiles.promptTuning(cycle, 2))
                    .expectStatus()
                    .isCreated()
                    .expectBody()
                    .jsonPath("$.version")
                    .isEqualTo(2);
            client.post()
                    .uri("/vfms/{id}/pause", id)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.state")
                    .isEqualTo("PAUSED");
            expectProblem(
                    post(client, "/vfms/" + id + "/infer", "{\"inputs\":[\"x\"]}"),
                    409,
                    "vfm-not-serving",
                    null);
            upload(client, id, PeftFiles.promptTuning(cycle + 100, 3))
                    .expectStatus()
                    .isCreated()
                    .expectBody()
                    .jsonPath("$.version")
                    .isEqualTo(3)
                    .jsonPath("$.state")
                    .isEqualTo("PAUSED");
            client.post()
                    .uri("/vfms/{id}/resume", id)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.state")
                    .isEqualTo("ACTIVE");
            post(client, "/vfms/" + id + "/infer", "{\"inputs\":[\"x\"]}")
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.version")
                    .isEqualTo(3);
            client.delete()
                    .uri("/vfms/{id}", id)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.state")
                    .isEqualTo("DELETED");
            expectProblem(client.get().uri("/vfms/{id}", id).exchange(), 404, "unknown-vfm", "id");
        }
        load.close();

        assertThat(load.failed()).as("errors seen by the steady vFM").isZero();
        assertThat(load.served()).as("requests the steady vFM served meanwhile").isPositive();
        System.out.printf(
                "lifecycle isolation: 20 cycles, steady vFM served %d requests, %d errors%n",
                load.served(), load.failed());
        client.get()
                .uri("/vfms/{id}/stats", steady)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.loaded")
                .isEqualTo(true)
                .jsonPath("$.completedRequests")
                .value(n -> assertThat(((Number) n).longValue()).isEqualTo(load.served()));
    }

    @Test
    void invalidTransitionsAre409AndEveryTransitionIsAudited() {
        WebTestClient client = server.client();
        String id = create(client, "audited");
        expectProblem(
                        client.post().uri("/vfms/{id}/resume", id).exchange(),
                        409,
                        "invalid-transition",
                        null)
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("allowed from [PAUSED]"));
        expectProblem(
                client.post().uri("/vfms/{id}/deploy", id).exchange(),
                409,
                "invalid-transition",
                null);

        String classifier =
                createVfm(
                        client,
                        "{\"name\":\"waiting\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"classification\",\"labels\":[\"a\",\"b\"]}}");
        expectProblem(
                client.post().uri("/vfms/{id}/pause", classifier).exchange(),
                409,
                "invalid-transition",
                null);
        expectProblem(
                        client.post().uri("/vfms/{id}/deploy", classifier).exchange(),
                        409,
                        "invalid-transition",
                        null)
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("no version to deploy"));

        client.patch()
                .uri("/vfms/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"weight\":3.5,\"quota\":{\"maxInputsPerRequest\":5}}")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.weight")
                .isEqualTo(3.5)
                .jsonPath("$.quota.maxInputsPerRequest")
                .isEqualTo(5);
        expectProblem(
                client.patch()
                        .uri("/vfms/{id}", id)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"weight\":-1}")
                        .exchange(),
                400,
                "invalid-request",
                "weight");
        expectProblem(
                post(
                        client,
                        "/vfms/" + id + "/infer",
                        "{\"inputs\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"]}"),
                413,
                "too-many-inputs",
                "inputs");
        client.post().uri("/vfms/{id}/pause", id).exchange().expectStatus().isOk();
        expectProblem(
                client.post().uri("/vfms/{id}/pause", id).exchange(),
                409,
                "invalid-transition",
                null);
        client.post().uri("/vfms/{id}/resume", id).exchange().expectStatus().isOk();

        List<Map<String, Object>> events =
                client.get()
                        .uri("/vfms/{id}/events", id)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                        .returnResult()
                        .getResponseBody();
        assertThat(events)
                .extracting(e -> e.get("action"))
                .containsExactly("create", "update", "pause", "resume");
        assertThat(events)
                .extracting(e -> e.get("apiCall"))
                .containsExactly(
                        "POST /vfms",
                        "PATCH /vfms/" + id,
                        "POST /vfms/" + id + "/pause",
                        "POST /vfms/" + id + "/resume");
        assertThat(events.get(2))
                .containsEntry("fromState", "ACTIVE")
                .containsEntry("toState", "PAUSED");
    }
}
