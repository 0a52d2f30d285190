package dev.fmplex.web.cluster;

import java.net.URI;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/** Puts the cluster signature on every request a {@code WebClient} sends to a peer process. */
public final class SigningFilter implements ExchangeFilterFunction {

    private final RequestSignature signature;

    public SigningFilter(RequestSignature signature) {
        this.signature = signature;
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        return next.exchange(
                ClientRequest.from(request)
                        .header(
                                RequestSignature.HEADER,
                                signature.sign(
                                        request.method().name(), pathAndQuery(request.url())))
                        .build());
    }

    /** The request target as the receiving server reads it: raw path and query. */
    static String pathAndQuery(URI uri) {
        String path =
                uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }
}
