package dev.fmplex.worker;

import dev.fmplex.web.ErrorDialects;
import dev.fmplex.web.KeepAliveReads;
import dev.fmplex.web.ProblemDetailsAdvice;
import dev.fmplex.web.ProblemWriter;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Runs a worker as its own process (distributed topology). */
// A worker holds no durable state; should database libraries be on its classpath (tests, a
// shared fat jar), it still must not try to open a DataSource.
@SpringBootApplication(
        excludeName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration"
        })
@Import({
    ProblemDetailsAdvice.class,
    ProblemWriter.class,
    ErrorDialects.class,
    KeepAliveReads.class
})
public class WorkerApplication {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        SpringApplication application = new SpringApplication(WorkerApplication.class);
        application.setDefaultProperties(defaults());
        application.run(args);
    }

    /** Settings every worker process starts from; any of them can be overridden. */
    public static Map<String, Object> defaults() {
        return Map.of(
                "spring.webflux.problemdetails.enabled", "true",
                "spring.jackson.deserialization.fail-on-unknown-properties", "true",
                // Scheduler metrics are the point of a worker's actuator.
                "management.endpoints.web.exposure.include", "health,info,prometheus",
                "logging.level.ai.djl.util.cuda", "error",
                "logging.level.ai.djl.pytorch", "warn");
    }
}
