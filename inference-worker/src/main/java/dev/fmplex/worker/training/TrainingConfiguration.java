package dev.fmplex.worker.training;

import dev.fmplex.worker.inference.BackboneHost;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker's training beans. */
@Configuration(proxyBeanMethods = false)
public class TrainingConfiguration {

    /**
     * {@code fmplex.worker.training-pass-rows} (default 4): examples per forward-backward pass of a
     * training job, so a serving request waits behind at most one short pass.
     */
    @Bean
    LoraTrainingService loraTrainingService(
            BackboneHost host, @Value("${fmplex.worker.training-pass-rows:4}") int passRows) {
        return new LoraTrainingService(host, passRows);
    }
}
