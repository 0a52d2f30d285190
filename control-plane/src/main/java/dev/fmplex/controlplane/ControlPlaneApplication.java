package dev.fmplex.controlplane;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The control plane as its own process (distributed mode): PostgreSQL from {@code
 * spring.datasource.*}, workers join over HTTP.
 */
@SpringBootApplication(scanBasePackages = {"dev.fmplex.control", "dev.fmplex.web"})
@AutoConfigurationPackage(basePackages = "dev.fmplex.control")
public class ControlPlaneApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(ControlPlaneApplication.class);
        application.setDefaultProperties(defaults());
        application.run(args);
    }

    /** Settings every control-plane process starts from; any of them can be overridden. */
    public static Map<String, Object> defaults() {
        return Map.of(
                "fmplex.control.mode", "distributed",
                "spring.jpa.open-in-view", "false",
                "spring.jpa.hibernate.ddl-auto", "validate",
                "spring.flyway.locations", "classpath:db/migration",
                "spring.webflux.problemdetails.enabled", "true",
                "spring.jackson.deserialization.fail-on-unknown-properties", "true",
                "spring.codec.max-in-memory-size", "4MB",
                "springdoc.writer-with-order-by-keys", "true",
                "springdoc.default-produces-media-type", "application/json",
                "management.endpoints.web.exposure.include", "health,info,prometheus");
    }
}
