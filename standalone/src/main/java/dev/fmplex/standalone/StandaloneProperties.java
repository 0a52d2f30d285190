package dev.fmplex.standalone;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Standalone settings ({@code fmplex.standalone.*}).
 *
 * @param dataDir where everything persistent lives; PostgreSQL keeps its cluster in {@code
 *     <dataDir>/postgres}. Default {@code ~/.fmplex/standalone}.
 * @param postgresPort port of the embedded PostgreSQL on loopback; 0 picks a free one
 */
@ConfigurationProperties("fmplex.standalone")
public record StandaloneProperties(
        @DefaultValue("${user.home}/.fmplex/standalone") Path dataDir,
        @DefaultValue("0") int postgresPort) {

    public Path postgresDir() {
        return dataDir.resolve("postgres");
    }
}
