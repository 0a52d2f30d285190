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
        return Map.ofEntries(
                Map.entry("fmplex.control.mode", "distributed"),
                Map.entry("spring.jpa.open-in-view", "false"),
                Map.entry("spring.jpa.hibernate.ddl-auto", "validate"),
                Map.entry("spring.flyway.locations", "classpath:db/migration"),
                Map.entry("spring.webflux.problemdetails.enabled", "true"),
                Map.entry("spring.jackson.deserialization.fail-on-unknown-properties", "true"),
                Map.entry("spring.codec.max-in-memory-size", "4MB"),
                Map.entry("springdoc.writer-with-order-by-keys", "true"),
                Map.entry("springdoc.default-produces-media-type", "application/json"),
                Map.entry("management.endpoints.web.exposure.include", "health,info,prometheus"),
                // The operator's bootstrap admin key, by the name the README gives it.
                Map.entry("fmplex.security.admin-key", "${FMPLEX_ADMIN_KEY:}"));
    }
}
