package dev.fmplex.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.controlplane.ControlPlaneApplication;
import dev.fmplex.web.KeepAliveReads;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The committed {@code openapi/fmplex-api.yaml} is the live document of the distributed control
 * plane (the whole API: the standalone server serves the same minus the cluster calls). The client
 * the integration tests use is generated from the committed file, so a stale file fails here and a
 * wrong one fails there.
 */
class ControlPlaneOpenApiTest {

    @TempDir static Path dir;
    private static EmbeddedPostgres postgres;
    private static ConfigurableApplicationContext controlPlane;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
        controlPlane =
                new SpringApplicationBuilder(ControlPlaneApplication.class)
                        .properties(ControlPlaneApplication.defaults())
                        .run(
                                "--server.port=0",
                                "--spring.datasource.url="
                                        + postgres.getJdbcUrl("postgres", "postgres"),
                                "--spring.datasource.username=postgres",
                                "--fmplex.security.admin-key=" + TestSecrets.ADMIN_KEY,
                                "--fmplex.cluster.secret=" + TestSecrets.CLUSTER_SECRET);
    }

    @AfterAll
    static void stop() throws Exception {
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** The distributed control plane's own server gets the keep-alive guard too. */
    @Test
    void theServerKeepsReadingKeepAliveConnections() {
        assertThat(controlPlane.getBean(NettyReactiveWebServerFactory.class).getServerCustomizers())
                .hasAtLeastOneElementOfType(KeepAliveReads.class);
    }

    /**
     * After an intended API change, regenerate the file with {@code ./mvnw -pl standalone -am
     * verify -Dtest=ControlPlaneOpenApiTest -Dsurefire.failIfNoSpecifiedTests=false
     * -Dfmplex.openapi.write=true}.
     */
    @Test
    void theCommittedOpenApiDocumentMatchesTheLiveOne() throws Exception {
        int port = ((WebServerApplicationContext) controlPlane).getWebServer().getPort();
        String live =
                StandaloneServer.clientAt("http://localhost:" + port, TestSecrets.ADMIN_KEY)
                        .get()
                        .uri("/v3/api-docs.yaml")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody()
                        .replaceAll("http://localhost:\\d+", "http://localhost:8080");
        Path committed = Path.of("..", "openapi", "fmplex-api.yaml");
        if (Boolean.getBoolean("fmplex.openapi.write")) {
            Files.writeString(committed, live);
        }
        assertThat(live)
                .as("openapi/fmplex-api.yaml is stale; regenerate with -Dfmplex.openapi.write=true")
                .isEqualTo(Files.readString(committed));
    }
}
