package dev.fmplex.web.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The cluster signature: what it binds, what it refuses, and the secret's rules. */
class RequestSignatureTest {

    private static final String SECRET = "a-cluster-secret-of-at-least-32-characters";
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    private static RequestSignature at(Instant now, String secret) {
        return new RequestSignature(
                secret, Duration.ofSeconds(60), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aSignatureVerifiesForItsOwnRequestLineOnly() {
        RequestSignature signer = at(NOW, SECRET);
        String header = signer.sign("PUT", "/internal/vfms/a?x=1");
        assertThat(signer.reject(header, "PUT", "/internal/vfms/a?x=1")).isNull();
        assertThat(signer.reject(header, "DELETE", "/internal/vfms/a?x=1"))
                .isEqualTo("signature does not match");
        assertThat(signer.reject(header, "PUT", "/internal/vfms/b?x=1"))
                .isEqualTo("signature does not match");
        assertThat(signer.reject(header, "PUT", "/internal/vfms/a"))
                .isEqualTo("signature does not match");
        assertThat(at(NOW, SECRET.replace('a', 'b')).reject(header, "PUT", "/internal/vfms/a?x=1"))
                .isEqualTo("signature does not match");
    }

    @Test
    void aSignatureOutsideTheClockSkewIsRefusedEitherWay() {
        String header = at(NOW, SECRET).sign("GET", "/internal/stats");
        assertThat(at(NOW.plusSeconds(59), SECRET).reject(header, "GET", "/internal/stats"))
                .isNull();
        assertThat(at(NOW.plusSeconds(61), SECRET).reject(header, "GET", "/internal/stats"))
                .contains("61000 ms away");
        assertThat(at(NOW.minusSeconds(61), SECRET).reject(header, "GET", "/internal/stats"))
                .contains("ms away");
    }

    @Test
    void malformedHeadersAreNamed() {
        RequestSignature signer = at(NOW, SECRET);
        assertThat(signer.reject(null, "GET", "/")).contains("no X-FMplex-Signature");
        assertThat(signer.reject("t=1;s=short", "GET", "/"))
                .contains("must read t=<epoch ms>;s=<signature>");
        assertThat(signer.reject("s=x;t=1", "GET", "/")).contains("must read");
    }

    @Test
    void theSecretMustBeSetAndLongEnough() {
        assertThatThrownBy(
                        () ->
                                new ClusterProperties(null, Duration.ofSeconds(60), null)
                                        .requireSecret())
                .hasMessageContaining("FMPLEX_CLUSTER_SECRET) is not set");
        assertThatThrownBy(
                        () ->
                                new ClusterProperties("short", Duration.ofSeconds(60), null)
                                        .requireSecret())
                .hasMessageContaining("at least 32 characters, has 5");
        assertThatThrownBy(() -> new ClusterProperties(SECRET, Duration.ofSeconds(60), "tiny"))
                .hasMessageContaining("metrics-token must have at least 32 characters");
    }
}
