package dev.fmplex.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.worker.inference.VfmDeployments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A fifth family, added the way every family is: one package ({@code dev.fmplex.engine.family.toy},
 * test scope) and one line in {@code META-INF/services/dev.fmplex.engine.family.BackboneFamily}.
 * The unchanged worker finds it by the checkpoint's {@code model_type}, hosts it beside nothing
 * else, and serves a vFM on it over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FifthFamilyTest {

    private static final int BINS = 8;
    private static Path checkpoint;

    @LocalServerPort int port;
    @Autowired VfmDeployments deployments;

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @DynamicPropertySource
    static void toyCheckpoint(DynamicPropertyRegistry registry) {
        try {
            checkpoint = Files.createTempDirectory("fmplex-toy-family");
            Files.writeString(
                    checkpoint.resolve("config.json"),
                    "{\"model_type\":\"byte-histogram\",\"hidden_size\":" + BINS + "}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.add("fmplex.worker.bundled-backbone", () -> "false");
        registry.add("fmplex.worker.checkpoints.toy", checkpoint::toString);
    }

    @Test
    void aFamilyFromOneServicesLineServesAVfmThroughTheWorker() {
        WebClient client =
                WebClient.builder()
                        .baseUrl("http://localhost:" + port)
                        .filter(ClusterSigning.FILTER)
                        .build();
        List<Map<String, Object>> backbones =
                client.get()
                        .uri("/internal/backbones")
                        .retrieve()
                        .bodyToMono(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                        .block();
        assertThat(backbones)
                .singleElement()
                .satisfies(
                        b -> {
                            assertThat(b).containsEntry("name", "toy");
                            assertThat(b).containsEntry("family", "byte-histogram");
                        });

        deployments.deploy(
                new VfmDeployment(
                        "histogram", 1, "toy", new EmbeddingTask(Pooling.MEAN, true), null, 1),
                Map.of());
        List<String> texts = List.of("FMplex", "a fifth family");
        Map<String, Object> reply =
                client.post()
                        .uri("/vfms/{id}/infer", "histogram")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("inputs", texts))
                        .retrieve()
                        .bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {})
                        .block();

        @SuppressWarnings("unchecked")
        List<Map<String, List<Number>>> outputs =
                (List<Map<String, List<Number>>>) reply.get("outputs");
        assertThat(outputs).hasSize(2);
        for (int i = 0; i < texts.size(); i++) {
            double[] expected = normalizedHistogram(texts.get(i));
            List<Number> embedding = outputs.get(i).get("embedding");
            assertThat(embedding).hasSize(BINS);
            for (int bin = 0; bin < BINS; bin++) {
                assertThat(embedding.get(bin).doubleValue())
                        .isCloseTo(expected[bin], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    private static double[] normalizedHistogram(String text) {
        double[] counts = new double[BINS];
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            counts[(b & 0xff) % BINS]++;
        }
        double norm = 0;
        for (double c : counts) {
            norm += c * c;
        }
        for (int bin = 0; bin < BINS; bin++) {
            counts[bin] /= Math.sqrt(norm);
        }
        return counts;
    }
}
