package dev.fmplex.web;

import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * What every FMplex process's filter chain shares: no sessions, cookies, CSRF tokens, login forms
 * or saved requests (every call carries its own credential), one authentication filter whose
 * refusals and the chain's 401/403 are problem documents, and health open whatever a probe sends.
 */
public final class StatelessSecurity {

    private StatelessSecurity() {}

    /**
     * @return {@code http} with the shared parts; the caller adds its own filters and rules
     */
    public static ServerHttpSecurity apply(
            ServerHttpSecurity http,
            ServerAuthenticationConverter credentials,
            ReactiveAuthenticationManager manager,
            SecurityProblems problems) {
        AuthenticationWebFilter authentication = new AuthenticationWebFilter(manager);
        authentication.setServerAuthenticationConverter(credentials);
        authentication.setAuthenticationFailureHandler(problems);
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
                                        .accessDeniedHandler(problems));
    }
}
