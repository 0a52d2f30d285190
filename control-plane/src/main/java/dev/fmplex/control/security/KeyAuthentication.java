package dev.fmplex.control.security;

import dev.fmplex.web.SecurityProblems.RefusedCredential;
import dev.fmplex.web.cluster.RequestSignature;
import dev.fmplex.web.cluster.SignatureAuthenticationConverter;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reads {@code Authorization: Bearer <key>} (or, from workers, the cluster signature) and turns a
 * valid key into a {@link CallerAuthentication}. A key checked recently is answered from memory on
 * the event loop; only a cache miss reads the database, off the event loop.
 */
final class KeyAuthentication
        implements ServerAuthenticationConverter, ReactiveAuthenticationManager {

    /** Longer than any key ({@link KeyFormat}) plus the scheme: refused before any parsing. */
    static final int MAX_HEADER_LENGTH = 300;

    private final ApiKeys keys;
    private final SignatureAuthenticationConverter cluster;

    /**
     * @param cluster verifies workers' signed calls; null where no worker calls in (standalone)
     */
    KeyAuthentication(ApiKeys keys, SignatureAuthenticationConverter cluster) {
        this.keys = keys;
        this.cluster = cluster;
    }

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        List<String> values = headers.get(HttpHeaders.AUTHORIZATION);
        if (values == null || values.isEmpty()) {
            if (cluster != null && headers.containsHeader(RequestSignature.HEADER)) {
                return cluster.convert(exchange);
            }
            return Mono.empty();
        }
        if (values.size() > 1) {
            return refuse("send one Authorization header, not " + values.size());
        }
        String value = values.get(0);
        if (value.length() > MAX_HEADER_LENGTH) {
            return refuse(
                    "the Authorization header has "
                            + value.length()
                            + " characters; an API key header has at most "
                            + MAX_HEADER_LENGTH);
        }
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return refuse("Authorization must read 'Bearer <key>'");
        }
        return Mono.just(new BearerKey(value.substring(7).strip()));
    }

    private static Mono<Authentication> refuse(String detail) {
        return Mono.error(new RefusedCredential("malformed", detail));
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        if (!(authentication instanceof BearerKey bearer)) {
            return Mono.just(authentication);
        }
        try {
            Caller cached = keys.authenticateCached(bearer.key());
            if (cached != null) {
                return Mono.just(new CallerAuthentication(cached));
            }
        } catch (RefusedCredential refused) {
            return Mono.error(refused);
        }
        return Mono.fromCallable(
                        () ->
                                (Authentication)
                                        new CallerAuthentication(keys.authenticate(bearer.key())))
                .subscribeOn(Schedulers.boundedElastic());
    }
}
