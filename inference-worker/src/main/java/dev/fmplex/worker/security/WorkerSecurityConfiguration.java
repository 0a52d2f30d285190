package dev.fmplex.worker.security;

import dev.fmplex.web.ProblemWriter;
import dev.fmplex.web.SecurityProblems;
import dev.fmplex.web.cluster.ClusterProperties;
import dev.fmplex.web.cluster.SignatureAuthenticationConverter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
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
        AuthenticationWebFilter authentication =
                new AuthenticationWebFilter((ReactiveAuthenticationManager) Mono::just);
        authentication.setServerAuthenticationConverter(
                new WorkerCredentials(
                        new SignatureAuthenticationConverter(cluster.requireSecret()),
                        cluster.metricsToken()));
        authentication.setAuthenticationFailureHandler(problems);
        // Health is open whatever credential a probe happens to send.
        authentication.setRequiresAuthenticationMatcher(
                new NegatedServerWebExchangeMatcher(
                        ServerWebExchangeMatchers.pathMatchers(
                                HttpMethod.GET, "/actuator/health", "/actuator/health/**")));
        authentication.setSecurityContextRepository(
                NoOpServerSecurityContextRepository.getInstance());
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
                .exceptionHandling(
                        handling ->
                                handling.authenticationEntryPoint(problems)
                                        .accessDeniedHandler(problems))
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
