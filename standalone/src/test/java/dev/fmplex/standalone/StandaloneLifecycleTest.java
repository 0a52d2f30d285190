package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.expectProblem;
import static dev.fmplex.standalone.ApiCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.client.model.VfmStats;
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
        IndependentLifecycles.Steady steady =
                IndependentLifecycles.check(server.api(), BACKBONE, 20, dataDir);
        // One worker in process: its counters are the whole truth.
        VfmStats stats = server.api().vfms.getVfmStats(steady.id()).block();
        assertThat(stats.getLoaded()).isTrue();
        assertThat(stats.getCompletedRequests()).isEqualTo(steady.served());
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
