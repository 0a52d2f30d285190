package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The artifact size limit is configurable and enforced per file: an oversize upload is a 413 naming
 * the file and the limit, and nothing is stored.
 */
class StandaloneUploadLimitTest {

    @TempDir static Path dataDir;
    private static StandaloneServer server;

    @BeforeAll
    static void start() {
        server = StandaloneServer.start(dataDir, "--fmplex.control.max-artifact-size=64KB");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anOversizeUploadIs413AndStoresNothing() {
        WebTestClient client = server.client();
        String id =
                createVfm(
                        client,
                        "{\"name\":\"big\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"classification\",\"labels\":[\"a\",\"b\"]}}");
        expectProblem(
                        ApiCalls.upload(
                                client, id, PeftFiles.loraClassifier(1, 2, PeftFiles.HIDDEN)),
                        413,
                        "request-too-large",
                        "files[adapter_model.safetensors]")
                .jsonPath("$.limit")
                .isEqualTo(64 * 1024);
        assertThat(StandaloneVersionsTest.versions(client, id)).isEmpty();
        client.get()
                .uri("/vfms/{id}", id)
                .exchange()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(0)
                .jsonPath("$.state")
                .isEqualTo("CREATED");
    }
}
