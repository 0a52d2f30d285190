package dev.fmplex.control.security;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Per-key rate limits: requests per second (checked before any work) and inputs per second (checked
 * once the body says how many rows). Each key has its own Resilience4j limiters, so one key's flood
 * is refused with 429 before it reaches the scheduler, and other keys never wait on it.
 */
@Component
public class RateLimits {

    static final double MAX_RATE = 1_000_000;

    /** One key's limiters, rebuilt when its limits change. */
    private record KeyLimiters(Caller.RateLimit limit, RateLimiter requests, RateLimiter inputs) {}

    private final Map<String, KeyLimiters> byKey = new ConcurrentHashMap<>();

    /** Takes one request from the caller's budget, or fails with 429 {@code rate-limited}. */
    public void acquireRequest(Caller caller) {
        RateLimiter requests = limiters(caller).requests();
        if (requests != null && !requests.acquirePermission()) {
            throw limited(requests, "requests", caller.limit().requestsPerSecond());
        }
    }

    /** Takes {@code inputs} rows from the caller's budget, or fails with 429. */
    public void acquireInputs(Caller caller, int inputs) {
        RateLimiter limiter = limiters(caller).inputs();
        if (limiter == null || inputs < 1) {
            return;
        }
        int perPeriod = limiter.getRateLimiterConfig().getLimitForPeriod();
        if (inputs > perPeriod) {
            throw new FmplexException(
                    ProblemType.RATE_LIMITED,
                    "inputs",
                    "a request of "
                            + inputs
                            + " inputs can never pass this key's limit of "
                            + perPeriod
                            + " inputs per "
                            + limiter.getRateLimiterConfig().getLimitRefreshPeriod().toMillis()
                            + " ms; send at most "
                            + perPeriod
                            + " per request",
                    Map.of("limit", perPeriod, "retryAfterSeconds", 1L),
                    null);
        }
        if (!limiter.acquirePermission(inputs)) {
            throw limited(limiter, "inputs", caller.limit().inputsPerSecond());
        }
    }

    /** Forgets a key's limiters (revoked keys, changed limits). */
    void forget(String keyId) {
        byKey.remove(keyId);
    }

    private KeyLimiters limiters(Caller caller) {
        KeyLimiters current = byKey.get(caller.keyId());
        if (current != null && current.limit().equals(caller.limit())) {
            return current;
        }
        KeyLimiters fresh =
                new KeyLimiters(
                        caller.limit(),
                        limiter(caller.keyId() + ".requests", caller.limit().requestsPerSecond()),
                        limiter(caller.keyId() + ".inputs", caller.limit().inputsPerSecond()));
        byKey.put(caller.keyId(), fresh);
        return fresh;
    }

    /**
     * A rate of at least 1/s allows {@code round(rate)} per second; a slower one allows 1 per
     * {@code 1/rate} seconds.
     */
    private static RateLimiter limiter(String name, Double perSecond) {
        if (perSecond == null) {
            return null;
        }
        RateLimiterConfig.Builder config =
                RateLimiterConfig.custom().timeoutDuration(Duration.ZERO);
        if (perSecond >= 1) {
            config.limitForPeriod((int) Math.round(perSecond))
                    .limitRefreshPeriod(Duration.ofSeconds(1));
        } else {
            config.limitForPeriod(1).limitRefreshPeriod(Duration.ofNanos((long) (1e9 / perSecond)));
        }
        return RateLimiter.of(name, config.build());
    }

    private static FmplexException limited(RateLimiter limiter, String what, double perSecond) {
        long waitNanos = Math.max(0, nanosToNextPeriod(limiter));
        long retryAfter = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        return new FmplexException(
                ProblemType.RATE_LIMITED,
                null,
                "this key may send "
                        + format(perSecond)
                        + " "
                        + what
                        + " per second; retry after "
                        + retryAfter
                        + " s",
                Map.of("limit", perSecond, "retryAfterSeconds", retryAfter),
                null);
    }

    private static long nanosToNextPeriod(RateLimiter limiter) {
        if (limiter
                instanceof io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter atomic) {
            return atomic.getDetailedMetrics().getNanosToWait();
        }
        return limiter.getRateLimiterConfig().getLimitRefreshPeriod().toNanos();
    }

    private static String format(double rate) {
        return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
    }

    /** A configured rate: null (none) or a finite number in (0, 1e6]. */
    static Double validate(Double rate, String field) {
        if (rate == null) {
            return null;
        }
        if (!(rate > 0) || rate > MAX_RATE || rate.isInfinite()) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    field,
                    field + " must be > 0 and <= 1000000 per second, is " + rate);
        }
        return rate;
    }

    /** A PATCHed rate: null keeps {@code current}, 0 removes the limit. */
    static Double merge(Double current, Double patched, String field) {
        if (patched == null) {
            return current;
        }
        return patched == 0 ? null : validate(patched, field);
    }
}
