package dev.fmplex.worker.security;

import dev.fmplex.web.SecurityProblems;
import dev.fmplex.web.cluster.SignatureAuthenticationConverter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The credentials a worker knows: the cluster signature, or the metrics token as a bearer. Any
 * other bearer is refused outright (a worker has no API keys: clients go through the control
 * plane).
 */
final class WorkerCredentials implements ServerAuthenticationConverter {

    static final String METRICS = "METRICS";

    private final SignatureAuthenticationConverter signature;
    private final byte[] metricsToken;

    WorkerCredentials(SignatureAuthenticationConverter signature, String metricsToken) {
        this.signature = signature;
        this.metricsToken =
                metricsToken == null || metricsToken.isEmpty()
                        ? null
                        : metricsToken.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        String authorization =
                exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            return signature.convert(exchange);
        }
        if (metricsToken != null
                && authorization.startsWith("Bearer ")
                && MessageDigest.isEqual(
                        metricsToken,
                        authorization.substring(7).getBytes(StandardCharsets.UTF_8))) {
            return Mono.just(
                    UsernamePasswordAuthenticationToken.authenticated(
                            "metrics", null, List.of(new SimpleGrantedAuthority(METRICS))));
        }
        return Mono.error(
                new SecurityProblems.RefusedCredential(
                        "unknown",
                        "workers accept only the control plane's signed calls (and the metrics"
                                + " token on /actuator/prometheus); send client requests to the"
                                + " control plane"));
    }
}
