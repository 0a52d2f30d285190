package dev.fmplex.control.cluster;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.web.reactive.function.client.WebClient;

/** Beans of the distributed mode. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
@EnableScheduling
class ClusterConfiguration {

    @Bean
    WorkerClient workerClient() {
        return new WorkerClient(WebClient.builder());
    }
}
