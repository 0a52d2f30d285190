package dev.fmplex.standalone;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point of the standalone server. Scans the control plane and the worker's inference beans;
 * JPA entities and repositories are found under the control plane's package.
 */
@SpringBootApplication(
        scanBasePackages = {
            "dev.fmplex.standalone",
            "dev.fmplex.control",
            "dev.fmplex.web",
            "dev.fmplex.worker.inference",
            "dev.fmplex.worker.training"
        })
@AutoConfigurationPackage(basePackages = "dev.fmplex.control")
@ConfigurationPropertiesScan
public class StandaloneApplication {

    public static void main(String[] args) {
        // Nothing may be downloaded at run time; DJL must use the natives from the classpath.
        System.setProperty("ai.djl.offline", "true");
        SpringApplication.run(StandaloneApplication.class, args);
    }
}
