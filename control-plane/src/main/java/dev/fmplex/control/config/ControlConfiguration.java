package dev.fmplex.control.config;

import dev.fmplex.control.security.SecurityProperties;
import dev.fmplex.web.cluster.ClusterProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * Registers {@link ControlProperties}, {@link SecurityProperties} and {@link ClusterProperties}
 * wherever the control plane's packages are scanned: its own process and the standalone server,
 * whose {@code @ConfigurationPropertiesScan} covers only its own package.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({
    ControlProperties.class,
    SecurityProperties.class,
    ClusterProperties.class
})
class ControlConfiguration {}
