package dev.fmplex.standalone;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs a real PostgreSQL (zonky's embedded binaries) inside the standalone process, on a data
 * directory that is kept between runs, and points the application's DataSource at it.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddedDatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(StandaloneProperties properties) throws IOException {
        Files.createDirectories(properties.postgresDir());
        boolean existing = Files.exists(properties.postgresDir().resolve("PG_VERSION"));
        long start = System.nanoTime();
        EmbeddedPostgres postgres =
                EmbeddedPostgres.builder()
                        .setDataDirectory(properties.postgresDir())
                        .setCleanDataDirectory(false)
                        .setPort(properties.postgresPort())
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .start();
        log.info(
                "Embedded PostgreSQL on port {} with {} data in {} (started in {} ms)",
                postgres.getPort(),
                existing ? "existing" : "new",
                properties.postgresDir().toAbsolutePath(),
                (System.nanoTime() - start) / 1_000_000);
        return postgres;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        dataSource.setUsername("postgres");
        dataSource.setPoolName("fmplex-standalone");
        dataSource.setMaximumPoolSize(8);
        return dataSource;
    }
}
