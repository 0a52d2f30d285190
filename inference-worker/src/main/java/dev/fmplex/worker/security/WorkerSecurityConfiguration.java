package dev.fmplex.worker.security;

import dev.fmplex.web.ProblemWriter;
import dev.fmplex.web.SecurityProblems;
import dev.fmplex.web.StatelessSecurity;
import dev.fmplex.web.cluster.ClusterProperties;
import dev.fmplex.web.cluster.SignatureAuthenticationConverter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Deny by default: every endpoint but {@code /actuator/health} needs a valid cluster signature
 * ({@link SignatureAuthenticationConverter}), {@code /actuator/prometheus} also takes the metrics
 * token. A worker without a cluster secret refuses to start rather than serve an open door.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
@EnableConfigurationProperties(ClusterProperties.class)
class WorkerSecurityConfiguration {

    @Bean
    SecurityWebFilterChain workerSecurity(
            ServerHttpSecurity http, ClusterProperties cluster, ProblemWriter writer) {
        SecurityProblems problems = new SecurityProblems(writer, "fmplex-worker");
        return StatelessSecurity.apply(
                        http,
                        new WorkerCredentials(
                                new SignatureAuthenticationConverter(cluster.requireSecret()),
                                cluster.metricsToken()),
                        Mono::just,
                        problems)
                .authorizeExchange(
                        exchanges ->
                                exchanges
                                        .pathMatchers(
                                                HttpMethod.GET,
                                                "/actuator/health/**",
                                                "/actuator/health")
                                        .permitAll()
                                        .pathMatchers(HttpMethod.GET, "/actuator/prometheus")
                                        .hasAnyAuthority(
                                                SignatureAuthenticationConverter.AUTHORITY,
                                                WorkerCredentials.METRICS)
                                        .anyExchange()
                                        .hasAuthority(SignatureAuthenticationConverter.AUTHORITY))
                .build();
    }
}
