package dev.fmplex.worker;

import dev.fmplex.web.cluster.ClusterProperties;
import dev.fmplex.web.cluster.SigningFilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;

/**
 * Signs the tests' calls to a worker as the control plane does, with the secret the test workers
 * run with ({@code application.properties} of the tests).
 */
final class ClusterSigning {

    static final String SECRET = secret();

    static final SigningFilter FILTER =
            new SigningFilter(
                    new ClusterProperties(SECRET, Duration.ofSeconds(60), null).requireSecret());

    private ClusterSigning() {}

    private static String secret() {
        Properties properties = new Properties();
        try (InputStream in = ClusterSigning.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("fmplex.cluster.secret");
    }
}
