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

    public Duration heartbeatInterval() {
        return Duration.ofMillis(heartbeatIntervalMs);
    }
}
