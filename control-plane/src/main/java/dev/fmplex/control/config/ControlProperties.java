package dev.fmplex.control.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code fmplex.control.*}. One property of the namespace is not here: {@code fmplex.control.mode},
 * which chooses the distributed-mode beans through their {@code @ConditionalOnProperty}, and
 * conditions are evaluated before any record is bound.
 *
 * @param heartbeatIntervalMs how often workers heartbeat, told to them at registration, and how
 *     often the control plane looks for silent ones ({@code heartbeat-interval-ms})
 * @param missedHeartbeats heartbeats a worker may miss before it is dead and its vFMs are placed
 *     elsewhere
 * @param replicateAboveRps request rate above which a vFM gets a second replica
 * @param maxArtifactSize the largest file a version upload may carry
 */
@ConfigurationProperties("fmplex.control")
public record ControlProperties(
        @DefaultValue("1000") long heartbeatIntervalMs,
        @DefaultValue("3") int missedHeartbeats,
        @DefaultValue("50") double replicateAboveRps,
        @DefaultValue("256MB") DataSize maxArtifactSize) {

    public ControlProperties {
        if (heartbeatIntervalMs < 1) {
            throw invalid("heartbeat-interval-ms", ">= 1", heartbeatIntervalMs);
        }
        if (missedHeartbeats < 1) {
            throw invalid("missed-heartbeats", ">= 1", missedHeartbeats);
        }
        if (!(replicateAboveRps > 0)) {
            throw invalid("replicate-above-rps", "> 0", replicateAboveRps);
        }
        if (maxArtifactSize == null || maxArtifactSize.toBytes() < 1) {
            throw invalid("max-artifact-size", ">= 1B", maxArtifactSize);
        }
    }

    private static IllegalArgumentException invalid(String name, String rule, Object value) {
        return new IllegalArgumentException(
                "fmplex.control." + name + " must be " + rule + ", is " + value);
    }

    public Duration heartbeatInterval() {
        return Duration.ofMillis(heartbeatIntervalMs);
    }
}
