package dev.fmplex.worker.training;

import dev.fmplex.worker.inference.BackboneHost;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker's training beans. */
@Configuration(proxyBeanMethods = false)
public class TrainingConfiguration {

    /**
     * {@code fmplex.worker.training-pass-rows} (default 2): examples per forward-backward pass of a
     * training job, so a serving request waits behind at most one short pass; {@code
     * fmplex.worker.training-memory-mb} (default 1024): the most one job may hold, eager copy of
     * the backbone included.
     */
    @Bean
    LoraTrainingService loraTrainingService(
            BackboneHost host,
            @Value("${fmplex.worker.training-pass-rows:2}") int passRows,
            @Value("${fmplex.worker.training-memory-mb:1024}") long budgetMb) {
        return new LoraTrainingService(host, passRows, budgetMb * 1024 * 1024);
    }
}
