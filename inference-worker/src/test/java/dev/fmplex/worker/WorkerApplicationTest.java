package dev.fmplex.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import dev.fmplex.model.vfm.Quota;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.web.KeepAliveReads;
import dev.fmplex.worker.inference.VfmDeployments;
import dev.fmplex.worker.inference.VfmInferenceService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The worker as its own process: real backbone, real HTTP. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"fmplex.worker.max-inputs-per-request=4", "fmplex.worker.max-tokens=16"})
class WorkerApplicationTest {

    private static final VfmDeployment EMBEDDER =
            new VfmDeployment(
                    "v1", 3, "all-minilm-l6-v2", new EmbeddingTask(Pooling.MEAN, true), null);

    @LocalServerPort int port;
    @Autowired VfmInferenceService inference;
    @Autowired VfmDeployments deployments;
    @Autowired NettyReactiveWebServerFactory server;

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @BeforeEach
    void deployEmbedder() {
        assertThat(deployments.deploy(EMBEDDER, Map.of())).isZero();
    }

    @Test
    void theServerKeepsReadingKeepAliveConnections() {
        assertThat(server.getServerCustomizers()).hasAtLeastOneElementOfType(KeepAliveReads.class);
    }

    @Test
    void versionsAreReplacedAndUnloadedWhileTheBackboneKeepsServing() {
        VfmDeployment other =
                new VfmDeployment(
                        "other",
                        1,
                        "all-minilm-l6-v2",
                        new EmbeddingTask(Pooling.CLS, false),
                        null);
        deployments.deploy(other, Map.of());
        VfmDeployment next =
                new VfmDeployment(
                        "other",
                        2,
                        "all-minilm-l6-v2",
                        new EmbeddingTask(Pooling.MEAN, true),
                        null);
        deployments.deploy(next, Map.of());
        InferResponse response =
                inference.infer(other, new InferRequest(List.of("x"), null)).block();
        assertThat(response.version()).isEqualTo(2);

        assertThatThrownBy(
                        () ->
                                deployments.deploy(
                                        new VfmDeployment(
                                                "other",
                                                3,
                                                "all-minilm-l6-v2",
                                                new EmbeddingTask(null, null),
                                                null),
                                        Map.of("weights.bin", new byte[] {1})))
                .isInstanceOfSatisfying(
                        FmplexException.class,
                        e -> {
                            assertThat(e.type()).isEqualTo(ProblemType.INVALID_ARTIFACT);
                            assertThat(e.field()).isEqualTo("files[weights.bin]");
                        });
        assertThat(inference.infer(other, new InferRequest(List.of("x"), null)).block().version())
                .as("a rejected version leaves the serving one in place")
                .isEqualTo(2);

        deployments.undeploy("other");
        assertThat(deployments.residentBytes("other")).isNull();
        assertThatThrownBy(
                        () -> inference.infer(other, new InferRequest(List.of("x"), null)).block())
                .isInstanceOfSatisfying(
                        FmplexException.class,
                        e -> assertThat(e.type()).isEqualTo(ProblemType.VFM_NOT_LOADED));
        assertThat(
                        inference
                                .infer(EMBEDDER, new InferRequest(List.of("x"), null))
                                .block()
                                .outputs())
                .hasSize(1);
    }

    @Test
    void reportsItsBackbonesWithTheConfiguredTokenLimit() {
        WebTestClient.bindToServer()
                .filter(ClusterSigning.FILTER)
                .baseUrl("http://localhost:" + port)
                .build()
                .get()
                .uri("/internal/backbones")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$[0].name")
                .isEqualTo("all-minilm-l6-v2")
                .jsonPath("$[0].maxInputTokens")
                .isEqualTo(16)
                .jsonPath("$[0].parameterBytes")
                .isEqualTo(90_261_504);
    }

    @Test
    void runsAVfmAndReportsTruncationAndTiming() {
        InferResponse response =
                inference
                        .infer(
                                EMBEDDER,
                                new InferRequest(
                                        List.of("short", "a b c d e f g h i j k l m n o p q r s t"),
                                        null))
                        .block();
        assertThat(response.vfm()).isEqualTo("v1");
        assertThat(response.version()).isEqualTo(3);
        assertThat(response.timing().batchRows()).isEqualTo(2);
        EmbeddingOutput first = (EmbeddingOutput) response.outputs().get(0);
        EmbeddingOutput second = (EmbeddingOutput) response.outputs().get(1);
        assertThat(first.truncated()).isNull();
        assertThat(second.truncated()).isTrue();
        assertThat(second.inputTokens()).isEqualTo(22);
        assertThat(second.embedding()).hasSize(384);
    }

    @Test
    void limitsComeFromTheWorkerAndTheQuota() {
        VfmDeployment quotaOfTwo =
                new VfmDeployment(
                        "v2", 1, "all-minilm-l6-v2", new EmbeddingTask(null, null), new Quota(2));
        assertThatThrownBy(
                        () ->
                                inference
                                        .infer(
                                                quotaOfTwo,
                                                new InferRequest(List.of("a", "b", "c"), null))
                                        .block())
                .isInstanceOfSatisfying(
                        FmplexException.class,
                        e -> assertThat(e.properties()).containsEntry("limit", 2));
        assertThatThrownBy(
                        () ->
                                inference
                                        .infer(
                                                EMBEDDER,
                                                new InferRequest(
                                                        List.of("a", "b", "c", "d", "e"), null))
                                        .block())
                .isInstanceOfSatisfying(
                        FmplexException.class,
                        e -> assertThat(e.properties()).containsEntry("limit", 4));
        assertThatThrownBy(
                        () ->
                                inference
                                        .infer(
                                                EMBEDDER,
                                                new InferRequest(
                                                        List.of(
                                                                "a b c d e f g h i j k l m n o p q r s t"),
                                                        false))
                                        .block())
                .isInstanceOfSatisfying(
                        FmplexException.class,
                        e -> {
                            assertThat(e.type()).isEqualTo(ProblemType.INPUT_TOO_LONG);
                            assertThat(e.field()).isEqualTo("inputs[0]");
                        });
        VfmDeployment elsewhere =
                new VfmDeployment("v3", 1, "bert-large", new EmbeddingTask(null, null), null);
        assertThatThrownBy(
                        () ->
                                inference
                                        .infer(elsewhere, new InferRequest(List.of("a"), null))
                                        .block())
                .isInstanceOfSatisfying(
                        FmplexException.class,
                        e -> assertThat(e.type()).isEqualTo(ProblemType.BACKBONE_UNAVAILABLE));
    }
}
