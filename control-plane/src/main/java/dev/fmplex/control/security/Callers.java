package dev.fmplex.control.security;

import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import reactor.core.publisher.Mono;

/** The {@link Caller} of the request being served, for filters inside the security chain. */
final class Callers {

    private Callers() {}

    /** Empty for requests no API key authenticated (health, workers' signed calls). */
    static Mono<Caller> current() {
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .filter(CallerAuthentication.class::isInstance)
                .map(authentication -> ((CallerAuthentication) authentication).caller());
    }
}
