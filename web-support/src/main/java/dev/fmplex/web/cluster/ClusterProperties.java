package dev.fmplex.web.cluster;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code fmplex.cluster.*}: what the control plane and its workers share. Read by both processes;
 * each checks {@link #requireSecret()} where it needs the secret (a standalone server has none).
 *
 * @param secret the cluster secret ({@code FMPLEX_CLUSTER_SECRET}), at least 32 characters
 * @param maxClockSkew how old (or how far ahead) a signed request may be
 * @param metricsToken a bearer token a worker also accepts on {@code /actuator/prometheus}, so a
 *     Prometheus server can scrape workers without the cluster secret; none when empty
 */
@ConfigurationProperties("fmplex.cluster")
public record ClusterProperties(
        String secret, @DefaultValue("60s") Duration maxClockSkew, String metricsToken) {

    static final int MIN_SECRET_LENGTH = 32;

    public ClusterProperties {
        if (maxClockSkew.isNegative() || maxClockSkew.isZero()) {
            throw new IllegalArgumentException(
                    "fmplex.cluster.max-clock-skew must be > 0, is " + maxClockSkew);
        }
        if (metricsToken != null && !metricsToken.isEmpty() && metricsToken.length() < 32) {
            throw new IllegalArgumentException(
                    "fmplex.cluster.metrics-token must have at least 32 characters, has "
                            + metricsToken.length());
        }
    }

    /** The signer for this secret; fails with the setting to fix when there is none. */
    public RequestSignature requireSecret() {
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException(
                    "fmplex.cluster.secret (FMPLEX_CLUSTER_SECRET) is not set: the control plane"
                            + " and its workers only accept calls signed with this shared secret."
                            + " Set the same value of at least "
                            + MIN_SECRET_LENGTH
                            + " characters on every process, e.g. FMPLEX_CLUSTER_SECRET=$(openssl"
                            + " rand -hex 32)");
        }
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException(
                    "fmplex.cluster.secret must have at least "
                            + MIN_SECRET_LENGTH
                            + " characters, has "
                            + secret.length());
        }
        return new RequestSignature(secret, maxClockSkew);
    }
}
