package dev.fmplex.control.security;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.web.ProblemWriter;
import java.time.Duration;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a key's request over its requests-per-second limit with 429 before any work. The refusal
 * is answered after {@link #REFUSAL_DELAY} (no thread waits, the event loop serves others
 * meanwhile): a client that ignores {@code Retry-After} and retries at once would otherwise turn
 * cheap refusals into thousands a second, and those alone fill a small machine's cores.
 */
final class RequestRateFilter implements WebFilter {

    /** No longer than the shortest {@code Retry-After} the refusal carries (1 s). */
    static final Duration REFUSAL_DELAY = Duration.ofSeconds(1);

    private final RateLimits limits;
    private final ProblemWriter problems;

    RequestRateFilter(RateLimits limits, ProblemWriter problems) {
        this.limits = limits;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return problems.refuseOrContinue(
                exchange,
                Callers.current()
                        .flatMap(caller -> Mono.justOrEmpty(refusal(caller)))
                        .delayUntil(refused -> Mono.delay(REFUSAL_DELAY)),
                () -> chain.filter(exchange));
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
