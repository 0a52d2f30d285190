package dev.fmplex.web.cluster;

import dev.fmplex.web.SecurityProblems;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Turns a valid cluster signature into an authenticated peer with authority {@value #AUTHORITY}; a
 * request without the header passes on unauthenticated, a wrong one fails with the reason.
 */
public final class SignatureAuthenticationConverter implements ServerAuthenticationConverter {

    /** The authority of a process that holds the cluster secret. */
    public static final String AUTHORITY = "CLUSTER";

    private final RequestSignature signature;

    public SignatureAuthenticationConverter(RequestSignature signature) {
        this.signature = signature;
    }

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        String header = request.getHeaders().getFirst(RequestSignature.HEADER);
        if (header == null) {
            return Mono.empty();
        }
        String target = SigningFilter.pathAndQuery(request.getURI());
        String rejected = signature.reject(header, request.getMethod().name(), target);
        if (rejected != null) {
            return Mono.error(
                    new SecurityProblems.RefusedCredential(
                            "bad-signature", "cluster signature refused: " + rejected));
        }
        return Mono.just(
                UsernamePasswordAuthenticationToken.authenticated(
                        "cluster-peer", null, List.of(new SimpleGrantedAuthority(AUTHORITY))));
    }
}
