package dev.fmplex.web;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;

/**
 * The one place where failures become RFC 9457 {@code application/problem+json}: a stable {@code
 * type} URI per {@link ProblemType}, a detail that says what was wrong and what the limit is, and a
 * {@code field} member with the JSON path of the offending value.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    private final DataSize maxBodySize;
    private final ErrorDialects dialects;

    public ProblemDetailsAdvice(
            @Value("${spring.codec.max-in-memory-size:256KB}") DataSize maxBodySize,
            ErrorDialects dialects) {
        this.maxBodySize = maxBodySize;
        this.dialects = dialects;
    }

    @ExceptionHandler(FmplexException.class)
    Mono<ResponseEntity<Object>> handleFmplex(FmplexException ex, ServerWebExchange exchange) {
        return Mono.just(problem(ex, exchange));
    }

    /** Two changes of one vFM raced and this one lost (optimistic locking). */
    @ExceptionHandler(org.springframework.dao.OptimisticLockingFailureException.class)
    Mono<ResponseEntity<Object>> handleConcurrentChange(Exception ex, ServerWebExchange exchange) {
        return Mono.just(
                problem(
                        new FmplexException(
                                ProblemType.CONCURRENT_CHANGE,
                                null,
                                "the resource changed while this request was processed; retry it"),
                        exchange));
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<Object>> handleUnexpected(Exception ex, ServerWebExchange exchange) {
        log.error(
                "Unhandled error on {} {}",
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(),
                ex);
        return Mono.just(
                problem(
                        new FmplexException(
                                ProblemType.INTERNAL_ERROR,
                                null,
                                "internal error ("
                                        + ex.getClass().getSimpleName()
                                        + "); see the server log"),
                        exchange));
    }

    /** Unreadable bodies: malformed JSON, wrong JSON types, unknown fields, bodies too large. */
    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(
            ServerWebInputException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            ServerWebExchange exchange) {
        return Mono.just(problem(describe(ex), exchange));
    }

    /** Bodies over {@code spring.codec.max-in-memory-size} are refused by the codec with 413. */
    @Override
    protected Mono<ResponseEntity<Object>> handleResponseStatusException(
            ResponseStatusException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            ServerWebExchange exchange) {
        if (status.value() == ProblemType.REQUEST_TOO_LARGE.status()) {
            return Mono.just(
                    problem(
                            new FmplexException(
                                    ProblemType.REQUEST_TOO_LARGE,
                                    null,
                                    "request body exceeds the server's limit of "
                                            + maxBodySize.toKilobytes()
                                            + " KB (spring.codec.max-in-memory-size)",
                                    Map.of("limit", maxBodySize.toBytes()),
                                    ex),
                            exchange));
        }
        return super.handleResponseStatusException(ex, headers, status, exchange);
    }

    /**
     * Spring's own refusals (no route, wrong method, media type) in a protocol's dialect; on the
     * native API they stay Spring's problem documents.
     */
    @Override
    protected Mono<ResponseEntity<Object>> handleExceptionInternal(
            Exception ex,
            Object body,
            HttpHeaders headers,
            HttpStatusCode status,
            ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        ProblemType type = springRefusal(status.value());
        if (dialects.forPath(path) == ErrorDialects.PROBLEM_JSON || type == null) {
            return super.handleExceptionInternal(ex, body, headers, status, exchange);
        }
        String detail =
                body instanceof ProblemDetail problem && problem.getDetail() != null
                        ? problem.getDetail()
                        : type.title();
        return Mono.just(problem(new FmplexException(type, null, detail), exchange));
    }

    private static ProblemType springRefusal(int status) {
        return switch (status) {
            case 404 -> ProblemType.NO_SUCH_ROUTE;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 413 -> ProblemType.REQUEST_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            case 400 -> ProblemType.INVALID_REQUEST;
            case 500 -> ProblemType.INTERNAL_ERROR;
            default -> null;
        };
    }

    static FmplexException describe(ServerWebInputException ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataBufferLimitException limit) {
                return new FmplexException(
                        ProblemType.REQUEST_TOO_LARGE,
                        null,
                        "request body too large: " + limit.getMessage());
            }
            if (cause instanceof DatabindException databind) {
                String field = jsonPath(databind.getPath());
                return new FmplexException(
                        ProblemType.INVALID_REQUEST,
                        field,
                        (field == null ? "" : field + ": ")
                                + readable(databind.getOriginalMessage()));
            }
            if (cause instanceof StreamReadException malformed) {
                String where =
                        malformed.getLocation() == null
                                ? ""
                                : " at line "
                                        + malformed.getLocation().getLineNr()
                                        + ", column "
                                        + malformed.getLocation().getColumnNr();
                return new FmplexException(
                        ProblemType.MALFORMED_JSON,
                        null,
                        "request body is not valid JSON"
                                + where
                                + ": "
                                + readable(malformed.getOriginalMessage()));
            }
        }
        String reason = ex.getReason() == null ? "unreadable request" : ex.getReason();
        if (reason.toLowerCase().contains("no request body")) {
            return new FmplexException(
                    ProblemType.INVALID_REQUEST, null, "request body is required");
        }
        return new FmplexException(ProblemType.INVALID_REQUEST, null, reason);
    }

    /** {@code task.pooling}, {@code inputs[2]}; null for the document root. */
    static String jsonPath(List<JacksonException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JacksonException.Reference reference : path) {
            if (reference.getPropertyName() != null) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.isEmpty() ? null : field.toString();
    }

    /**
     * Drops Java type names and parser internals from Jackson messages: users know the API's JSON,
     * not our classes.
     */
    private static String readable(String message) {
        if (message == null) {
            return "";
        }
        return message.replaceAll("`java\\.util\\.[A-Za-z]*List<[^>]*>`", "array")
                .replaceAll("`(?:[a-z0-9_]+\\.)+([A-Za-z0-9_$]+)`", "`$1`")
                .replaceAll("\\s*\\(start marker at \\[Source:.*", "")
                .replaceAll("\\s*at \\[Source:.*", "")
                .strip();
    }

    private ResponseEntity<Object> problem(FmplexException ex, ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        ErrorDialect dialect = dialects.forPath(path);
        ResponseEntity.BodyBuilder response =
                ResponseEntity.status(ex.type().status()).contentType(dialect.mediaType());
        Object retryAfter = ex.properties().get("retryAfterSeconds");
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfter.toString());
        }
        return response.body(dialect.body(ex, path));
    }
}
