package dev.fmplex.control.cluster;

import dev.fmplex.web.cluster.ClusterProperties;
import dev.fmplex.web.cluster.SigningFilter;
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

    /** Every call to a worker carries the cluster signature; workers refuse any other. */
    @Bean
    WorkerClient workerClient(ClusterProperties cluster) {
        return new WorkerClient(
                WebClient.builder().filter(new SigningFilter(cluster.requireSecret())));
    }
}
