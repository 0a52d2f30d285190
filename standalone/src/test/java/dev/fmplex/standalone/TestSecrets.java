package dev.fmplex.standalone;

import dev.fmplex.web.cluster.ClusterProperties;
import dev.fmplex.web.cluster.SigningFilter;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The secrets a test cluster runs with: fresh for every test JVM, never written anywhere but the
 * processes' arguments.
 */
final class TestSecrets {

    /** The admin key of control planes started by tests (standalone servers write their own). */
    static final String ADMIN_KEY = "test-admin-" + random();

    static final String CLUSTER_SECRET = random();

    private TestSecrets() {}

    /** A client that signs its calls as the control plane does, for calls straight to workers. */
    static WebTestClient signedClient(String baseUrl) {
        return WebTestClient.bindToServer()
                .baseUrl(baseUrl)
                .filter(
                        new SigningFilter(
                                new ClusterProperties(CLUSTER_SECRET, Duration.ofSeconds(60), null)
                                        .requireSecret()))
                .responseTimeout(Duration.ofSeconds(60))
                .build();
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
