package dev.fmplex.control.security;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.web.ProblemWriter;
import java.util.Map;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Refuses a key's request over its requests-per-second limit with 429 before any work. */
final class RequestRateFilter implements WebFilter {

    private final RateLimits limits;
    private final ProblemWriter problems;

    RequestRateFilter(RateLimits limits, ProblemWriter problems) {
        this.limits = limits;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return Callers.current()
                .flatMap(caller -> Mono.justOrEmpty(refusal(caller)))
                .flatMap(refused -> problems.write(exchange, refused, Map.of()).thenReturn(true))
                .switchIfEmpty(Mono.defer(() -> chain.filter(exchange).thenReturn(true)))
                .then();
    }

    private FmplexException refusal(Caller caller) {
        try {
            limits.acquireRequest(caller);
            return null;
        } catch (FmplexException limited) {
            return limited;
        }
    }
}
