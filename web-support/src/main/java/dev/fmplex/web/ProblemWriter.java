package dev.fmplex.web;

import dev.fmplex.model.problem.FmplexException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an error straight to the response, for the places that answer before a controller runs
 * (authentication, authorization, rate limits, tenant visibility). The document is the one {@link
 * ProblemDetailsAdvice} writes for the same exception on the same path, in the path's {@link
 * ErrorDialect}.
 */
@Component
public class ProblemWriter {

    private final JsonMapper json;
    private final ErrorDialects dialects;

    public ProblemWriter(JsonMapper json, ErrorDialects dialects) {
        this.json = json;
        this.dialects = dialects;
    }

    /** Answers {@code exchange} with {@code problem}; {@code headers} are added (may be empty). */
    public Mono<Void> write(
            ServerWebExchange exchange, FmplexException problem, Map<String, String> headers) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        ErrorDialect dialect = dialects.forPath(path);
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.valueOf(problem.type().status()));
        response.getHeaders().setContentType(dialect.mediaType());
        headers.forEach(response.getHeaders()::set);
        Object retryAfter = problem.properties().get("retryAfterSeconds");
        if (retryAfter != null) {
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter.toString());
        }
        byte[] bytes =
                json.writeValueAsString(dialect.body(problem, path))
                        .getBytes(StandardCharsets.UTF_8);
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }

    /**
     * For filters that may refuse a request: answers with the problem {@code refusal} yields, or
     * runs {@code next} (the rest of the chain) when it yields none.
     */
    public Mono<Void> refuseOrContinue(
            ServerWebExchange exchange, Mono<FmplexException> refusal, Supplier<Mono<Void>> next) {
        return refusal.flatMap(problem -> write(exchange, problem, Map.of()).thenReturn(true))
                .switchIfEmpty(Mono.defer(() -> next.get().thenReturn(true)))
                .then();
    }
}
