package dev.fmplex.worker.inference;

import dev.fmplex.engine.checkpoint.WeightLoadException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the engine objects from {@link WorkerProperties}; the engine itself never sees Spring. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WorkerProperties.class)
public class WorkerConfiguration {

    @Bean(destroyMethod = "close")
    BackboneHost backboneHost(WorkerProperties properties, ObjectProvider<MeterRegistry> meters)
            throws IOException, WeightLoadException {
        return BackboneHost.withConfiguredBackbones(
                properties, meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    VfmDeployments vfmDeployments(BackboneHost host) {
        return new VfmDeployments(host);
    }

    @Bean
    VfmInferenceService vfmInferenceService(
            VfmDeployments deployments, WorkerProperties properties) {
        return new VfmInferenceService(deployments, properties);
    }
}
