package dev.fmplex.control.security;

import dev.fmplex.web.Blocking;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Records every mutating call of an API key (method, path, final status, key and tenant) before its
 * response is committed, so the record exists by the time the caller sees the answer. Inference is
 * not a mutation and is not recorded (its volume belongs in metrics).
 */
final class AuditFilter implements WebFilter {

    private static final Set<HttpMethod> MUTATING =
            Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    private final AuditTrail trail;

    AuditFilter(AuditTrail trail) {
        this.trail = trail;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        if (!MUTATING.contains(request.getMethod()) || InferenceRoutes.runsInference(path)) {
            return chain.filter(exchange);
        }
        return Callers.current()
                .doOnNext(
                        caller ->
                                exchange.getResponse()
                                        .beforeCommit(
                                                () ->
                                                        Blocking.call(
                                                                        () -> {
                                                                            trail.record(
                                                                                    caller,
                                                                                    request.getMethod()
                                                                                            .name(),
                                                                                    path,
                                                                                    status(
                                                                                            exchange));
                                                                            return true;
                                                                        })
                                                                .then()))
                .then(chain.filter(exchange));
    }

    private static int status(ServerWebExchange exchange) {
        return exchange.getResponse().getStatusCode() == null
                ? 200
                : exchange.getResponse().getStatusCode().value();
    }
}
