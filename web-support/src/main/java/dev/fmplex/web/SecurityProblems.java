package dev.fmplex.web;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security's 401 and 403 as FMplex problem documents: {@code unauthenticated} with a {@code
 * WWW-Authenticate} challenge (RFC 6750: {@code error="invalid_token"} when a credential was sent
 * and refused), {@code forbidden} when the credential is good but its scope does not reach the
 * endpoint.
 */
public final class SecurityProblems
        implements ServerAuthenticationEntryPoint,
                ServerAccessDeniedHandler,
                ServerAuthenticationFailureHandler {

    private final ProblemWriter writer;
    private final String realm;

    /**
     * @param realm the realm named in the challenge, e.g. {@code fmplex}
     */
    public SecurityProblems(ProblemWriter writer, String realm) {
        this.writer = writer;
        this.realm = realm;
    }

    /** No credential at all. */
    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
        return writer.write(
                exchange,
                new FmplexException(
                        ProblemType.UNAUTHENTICATED,
                        "Authorization",
                        "this endpoint needs an API key: send the header 'Authorization: Bearer"
                                + " <key>'",
                        Map.of("reason", "missing"),
                        null),
                Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\""));
    }

    /** A credential was sent and refused; the exception's message says why. */
    @Override
    public Mono<Void> onAuthenticationFailure(
            WebFilterExchange exchange, AuthenticationException ex) {
        String reason = ex instanceof RefusedCredential refused ? refused.reason() : "invalid";
        String detail = ex.getMessage();
        return writer.write(
                exchange.getExchange(),
                new FmplexException(
                        ProblemType.UNAUTHENTICATED,
                        "Authorization",
                        detail,
                        Map.of("reason", reason),
                        null),
                Map.of(
                        HttpHeaders.WWW_AUTHENTICATE,
                        "Bearer realm=\""
                                + realm
                                + "\", error=\"invalid_token\", error_description=\""
                                + detail.replaceAll("[^ -!#-\\[\\]-~]", "'")
                                + "\""));
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        return writer.write(
                exchange,
                new FmplexException(
                        ProblemType.FORBIDDEN,
                        null,
                        exchange.getRequest().getMethod().name()
                                + " "
                                + exchange.getRequest().getPath().value()
                                + " is not allowed for this key's scope",
                        Map.of(),
                        null),
                Map.of());
    }

    /** A refused credential with a stable machine-readable reason (malformed, unknown, ...). */
    public static class RefusedCredential extends AuthenticationException {
        private final String reason;

        public RefusedCredential(String reason, String detail) {
            super(detail);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }
}
