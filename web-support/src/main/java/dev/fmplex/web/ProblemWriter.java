package dev.fmplex.web;

import dev.fmplex.model.problem.FmplexException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem document straight to the response, for the places that answer before a
 * controller runs (authentication, authorization, rate limits, tenant visibility). The document is
 * the one {@link ProblemDetailsAdvice} writes for the same exception.
 */
@Component
public class ProblemWriter {

    private final JsonMapper json;

    public ProblemWriter(JsonMapper json) {
        this.json = json;
    }

    /** Answers {@code exchange} with {@code problem}; {@code headers} are added (may be empty). */
    public Mono<Void> write(
            ServerWebExchange exchange, FmplexException problem, Map<String, String> headers) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.valueOf(problem.type().status()));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        headers.forEach(response.getHeaders()::set);
        Object retryAfter = problem.properties().get("retryAfterSeconds");
        if (retryAfter != null) {
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter.toString());
        }
        byte[] bytes =
                json.writeValueAsString(body(problem, exchange.getRequest().getPath().value()))
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

    /** The members of the document, in the order Spring writes a {@code ProblemDetail}. */
    static Map<String, Object> body(FmplexException problem, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.type().uri().toString());
        body.put("title", problem.type().title());
        body.put("status", problem.type().status());
        body.put("detail", problem.getMessage());
        body.put("instance", instance);
        if (problem.field() != null) {
            body.put("field", problem.field());
        }
        body.putAll(problem.properties());
        return body;
    }
}
