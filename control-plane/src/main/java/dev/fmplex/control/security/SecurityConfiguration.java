package dev.fmplex.control.security;

import dev.fmplex.web.ProblemWriter;
import dev.fmplex.web.SecurityProblems;
import dev.fmplex.web.StatelessSecurity;
import dev.fmplex.web.cluster.ClusterProperties;
import dev.fmplex.web.cluster.SignatureAuthenticationConverter;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import reactor.core.publisher.Mono;

/**
 * The control plane's filter chain: stateless bearer keys, deny by default, scopes per endpoint,
 * then per-key rate limits, tenant visibility of vFMs and the audit of mutating calls. Only {@code
 * /actuator/health}, the Open Inference Protocol's {@code /v2/health/*} and the dashboard's static
 * files (the page, its scripts and webjars: no data; the page asks for a key) are open.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

    private static final String ADMIN = Scope.ADMIN.authority();
    private static final String TENANT_ADMIN = Scope.TENANT_ADMIN.authority();
    private static final String INFER = Scope.INFER.authority();
    private static final String METRICS = Scope.METRICS.authority();
    private static final String CLUSTER = SignatureAuthenticationConverter.AUTHORITY;

    @Bean
    SecurityWebFilterChain controlPlaneSecurity(
            ServerHttpSecurity http,
            ApiKeys keys,
            SecurityProperties properties,
            ClusterProperties cluster,
            @Value("${fmplex.control.mode:standalone}") String mode,
            RateLimits rateLimits,
            VfmVisibility visibility,
            AuditTrail audit,
            ProblemWriter writer) {
        SecurityProblems problems = new SecurityProblems(writer, "fmplex");
        ServerAuthenticationConverter credentials;
        ReactiveAuthenticationManager manager;
        if (properties.enabled()) {
            KeyAuthentication bearer =
                    new KeyAuthentication(
                            keys,
                            "distributed".equals(mode)
                                    ? new SignatureAuthenticationConverter(cluster.requireSecret())
                                    : null);
            credentials = bearer;
            manager = bearer;
        } else {
            credentials = exchange -> Mono.just(new CallerAuthentication(Caller.UNSECURED));
            manager = Mono::just;
        }
        return StatelessSecurity.apply(http, credentials, manager, problems)
                // After authorization, in this order (equal orders keep the order they are added).
                .addFilterAfter(new AuditFilter(audit), SecurityWebFiltersOrder.AUTHORIZATION)
                .addFilterAfter(
                        new RequestRateFilter(rateLimits, writer),
                        SecurityWebFiltersOrder.AUTHORIZATION)
                .addFilterAfter(
                        new VfmVisibilityFilter(visibility, writer),
                        SecurityWebFiltersOrder.AUTHORIZATION)
                .authorizeExchange(
                        exchanges ->
                                exchanges
                                        .pathMatchers(
                                                HttpMethod.GET,
                                                "/actuator/health",
                                                "/actuator/health/**")
                                        .permitAll()
                                        .pathMatchers(HttpMethod.GET, "/actuator/prometheus")
                                        .hasAnyAuthority(ADMIN, METRICS)
                                        .pathMatchers(
                                                HttpMethod.POST, "/workers", "/workers/*/heartbeat")
                                        .hasAuthority(CLUSTER)
                                        .pathMatchers(HttpMethod.GET, InferenceRoutes.HEALTH)
                                        .permitAll()
                                        .pathMatchers(
                                                HttpMethod.GET,
                                                "/dashboard",
                                                "/dashboard/**",
                                                "/webjars/uplot/**")
                                        .permitAll()
                                        .pathMatchers(HttpMethod.POST, InferenceRoutes.RUN)
                                        .hasAnyAuthority(ADMIN, TENANT_ADMIN, INFER)
                                        .pathMatchers(HttpMethod.GET, InferenceRoutes.DESCRIBE)
                                        .hasAnyAuthority(ADMIN, TENANT_ADMIN, INFER)
                                        .pathMatchers(
                                                "/vfms",
                                                "/vfms/**",
                                                "/keys",
                                                "/keys/**",
                                                "/stats",
                                                "/training-jobs/**")
                                        .hasAnyAuthority(ADMIN, TENANT_ADMIN)
                                        .pathMatchers(HttpMethod.GET, "/backbones", "/backbones/**")
                                        .hasAnyAuthority(ADMIN, TENANT_ADMIN)
                                        .pathMatchers(
                                                "/v3/api-docs",
                                                "/v3/api-docs/**",
                                                "/swagger-ui.html",
                                                "/swagger-ui/**",
                                                "/webjars/**")
                                        .hasAnyAuthority(ADMIN, TENANT_ADMIN, INFER)
                                        // Tenants, workers, placements, audit, actuator, anything
                                        // new.
                                        .anyExchange()
                                        .hasAuthority(ADMIN))
                .build();
    }

    /**
     * The key-hash secret: configured, else the standalone server's own, else derived from the
     * cluster secret (so a distributed control plane needs no second secret).
     */
    @Bean
    KeyHasher keyHasher(
            SecurityProperties properties,
            ClusterProperties cluster,
            ObjectProvider<KeyHashSecretSource> source) {
        if (properties.keyHashSecret() != null && !properties.keyHashSecret().isEmpty()) {
            return new KeyHasher(properties.keyHashSecret().getBytes(StandardCharsets.UTF_8));
        }
        KeyHashSecretSource own = source.getIfAvailable();
        if (own != null) {
            return new KeyHasher(own.secret());
        }
        if (cluster.secret() == null || cluster.secret().isBlank()) {
            throw new IllegalStateException(
                    "API keys need a hashing secret: set fmplex.security.key-hash-secret"
                            + " (FMPLEX_SECURITY_KEY_HASH_SECRET) or fmplex.cluster.secret"
                            + " (FMPLEX_CLUSTER_SECRET), at least 32 characters");
        }
        cluster.requireSecret();
        // The derived secret is the cluster secret's HMAC of a fixed label: one secret to set.
        return new KeyHasher(
                new KeyHasher(cluster.secret().getBytes(StandardCharsets.UTF_8))
                        .hash("fmplex api-key hashing v1"));
    }
}
