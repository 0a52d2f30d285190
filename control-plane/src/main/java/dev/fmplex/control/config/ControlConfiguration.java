package dev.fmplex.control.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * Registers {@link ControlProperties} wherever the control plane's packages are scanned: its own
 * process and the standalone server, whose {@code @ConfigurationPropertiesScan} covers only its own
 * package.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ControlProperties.class)
class ControlConfiguration {}
