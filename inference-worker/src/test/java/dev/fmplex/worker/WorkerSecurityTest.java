package dev.fmplex.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.web.cluster.ClusterProperties;
import dev.fmplex.web.cluster.RequestSignature;
import dev.fmplex.web.cluster.SigningFilter;
import dev.fmplex.worker.inference.VfmDeployments;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A worker is not an open door: every endpoint but health needs the control plane's signature (or,
 * for Prometheus, the metrics token); unsigned, forged, stale and bearer calls are refused with 401
 * problem documents, and a worker without a cluster secret does not start.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "fmplex.cluster.metrics-token=metrics-token-for-the-worker-tests-0123",
            "management.endpoints.web.exposure.include=health,prometheus"
        })
class WorkerSecurityTest {

    private static final String INFER = "{\"inputs\":[\"hello\"]}";

    @LocalServerPort int port;
    @Autowired VfmDeployments deployments;

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @BeforeEach
    void deploy() {
        deployments.deploy(
                new VfmDeployment(
                        "guarded",
                        1,
                        "all-minilm-l6-v2",
                        new EmbeddingTask(Pooling.MEAN, true),
                        null),
                Map.of());
    }

    private WebTestClient client(SigningFilter signing) {
        WebTestClient.Builder builder =
                WebTestClient.bindToServer().baseUrl("http://localhost:" + port);
        return (signing == null ? builder : builder.filter(signing)).build();
    }

    /** Every worker endpoint, as (method, path, JSON body or null). */
    private static final List<String[]> ENDPOINTS =
            List.of(
                    new String[] {"POST", "/vfms/guarded/infer", INFER},
                    new String[] {"POST", "/infer", "{\"vfms\":[\"guarded\"],\"inputs\":[\"x\"]}"},
                    new String[] {"GET", "/internal/stats", null},
                    new String[] {"GET", "/internal/backbones", null},
                    new String[] {"GET", "/internal/vfms/guarded/stats", null},
                    new String[] {"POST", "/internal/vfms/guarded/pause", null},
                    new String[] {"DELETE", "/internal/vfms/guarded", null},
                    new String[] {"GET", "/actuator/prometheus", null});

    private static int call(
            WebTestClient client, String[] endpoint, String authorization, String signature) {
        WebTestClient.RequestBodySpec request =
                client.method(HttpMethod.valueOf(endpoint[0])).uri(endpoint[1]);
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        if (signature != null) {
            request.header(RequestSignature.HEADER, signature);
        }
        WebTestClient.ResponseSpec response =
                endpoint[2] == null
                        ? request.exchange()
                        : request.contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(endpoint[2])
                                .exchange();
        WebTestClient.BodyContentSpec body = response.expectBody();
        int status = body.returnResult().getStatus().value();
        if (status == 401) {
            response.expectHeader()
                    .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectHeader()
                    .exists(HttpHeaders.WWW_AUTHENTICATE);
            body.jsonPath("$.type").isEqualTo("https://fmplex.dev/problems/unauthenticated");
        }
        return status;
    }

    @Test
    void unsignedForgedStaleAndBearerCallsAreRefusedOnEveryEndpoint() {
        SigningFilter forged =
                new SigningFilter(
                        new ClusterProperties(
                                        "a-different-secret-of-more-than-32-chars",
                                        Duration.ofSeconds(60),
                                        null)
                                .requireSecret());
        int refused = 0;
        for (String[] endpoint : ENDPOINTS) {
            assertThat(call(client(null), endpoint, null, null))
                    .as("unsigned " + endpoint[1])
                    .isEqualTo(401);
            assertThat(call(client(forged), endpoint, null, null))
                    .as("forged " + endpoint[1])
                    .isEqualTo(401);
            assertThat(call(client(null), endpoint, null, "t=1000;s=" + "A".repeat(43)))
                    .as("stale " + endpoint[1])
                    .isEqualTo(401);
            assertThat(
                            call(
                                    client(null),
                                    endpoint,
                                    "Bearer fmp_aaaaaaaaaaaa_" + "A".repeat(43),
                                    null))
                    .as("an API key " + endpoint[1])
                    .isEqualTo(401);
            refused += 4;
        }
        assertThat(refused).isEqualTo(4 * ENDPOINTS.size());
        // The infer refusals never reached the scheduler.
        assertThat(deployments.deployment("guarded"))
                .as("the refused DELETE unloaded nothing")
                .isPresent();
        assertThat(
                        call(
                                client(null),
                                new String[] {"PUT", "/internal/vfms/intruder", null},
                                null,
                                null))
                .isEqualTo(401);
        assertThat(deployments.deployment("intruder")).isEmpty();
    }

    @Test
    void theControlPlanesSignatureOpensEveryEndpointAndHealthIsOpen() {
        for (String[] endpoint : ENDPOINTS) {
            assertThat(call(client(ClusterSigning.FILTER), endpoint, null, null))
                    .as("signed " + endpoint[0] + " " + endpoint[1])
                    .isBetween(200, 204);
            if (endpoint[0].equals("DELETE")) {
                deploy();
            }
        }
        client(null).get().uri("/actuator/health").exchange().expectStatus().isOk();
        client(null)
                .get()
                .uri("/actuator/health")
                .header(HttpHeaders.AUTHORIZATION, "Bearer garbage")
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void theMetricsTokenOpensPrometheusAndNothingElse() {
        String token = "Bearer metrics-token-for-the-worker-tests-0123";
        assertThat(
                        call(
                                client(null),
                                new String[] {"GET", "/actuator/prometheus", null},
                                token,
                                null))
                .isEqualTo(200);
        assertThat(call(client(null), new String[] {"GET", "/internal/stats", null}, token, null))
                .isEqualTo(403);
        assertThat(
                        call(
                                client(null),
                                new String[] {"POST", "/vfms/guarded/infer", INFER},
                                token,
                                null))
                .isEqualTo(403);
    }

    @Test
    void aWorkerWithoutAClusterSecretDoesNotStart() {
        assertThatThrownBy(
                        () ->
                                new SpringApplicationBuilder(WorkerApplication.class)
                                        .properties(WorkerApplication.defaults())
                                        .run("--server.port=0", "--fmplex.cluster.secret="))
                .hasStackTraceContaining(
                        "fmplex.cluster.secret (FMPLEX_CLUSTER_SECRET) is not set");
    }
}
