package dev.fmplex.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.family.bert.BundledMiniLm;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.worker.inference.VfmDeployments;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A worker started with {@code fmplex.worker.execution=onnxruntime} serves over real HTTP what the
 * eager reference computes for the same text.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "fmplex.worker.execution=onnxruntime")
class OnnxRuntimeWorkerTest {

    @LocalServerPort int port;
    @Autowired VfmDeployments deployments;

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @Test
    void anEmbeddingOverHttpMatchesTheEagerEncoder() throws Exception {
        EmbeddingTask task = new EmbeddingTask(Pooling.MEAN, true);
        deployments.deploy(new VfmDeployment("ort", 1, "all-minilm-l6-v2", task, null), Map.of());
        String text = "The worker runs this sentence through its ONNX Runtime graph.";
        InferResponse response =
                WebTestClient.bindToServer()
                        .filter(ClusterSigning.FILTER)
                        .baseUrl("http://localhost:" + port)
                        .build()
                        .post()
                        .uri("/vfms/ort/infer")
                        .bodyValue(new InferRequest(List.of(text), null))
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(InferResponse.class)
                        .returnResult()
                        .getResponseBody();
        float[] served = ((EmbeddingOutput) response.outputs().get(0)).embedding();
        float[] expected;
        try (BertServedBackbone eager = BundledMiniLm.load(Device.cpu(), 256)) {
            expected = eager.embed(eager.tokenizer().encodeAll(List.of(text)), task).get(0);
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - served[i]));
        }
        assertThat(served).hasSameSizeAs(expected);
        assertThat(worst).isLessThanOrEqualTo(1e-5);
    }
}
