package dev.fmplex.web;

import dev.fmplex.model.problem.FmplexException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Picks the {@link ErrorDialect} of a request path: the first registered one that handles it, else
 * RFC 9457 problem+json. Both places that write errors ({@link ProblemDetailsAdvice} for
 * controllers, {@link ProblemWriter} for filters) ask here, so a protocol's 401 looks like its 422.
 */
@Component
public class ErrorDialects {

    /** The native API's dialect: RFC 9457 problem documents with a {@code field} member. */
    public static final ErrorDialect PROBLEM_JSON =
            new ErrorDialect() {
                @Override
                public boolean handles(String path) {
                    return true;
                }

                @Override
                public MediaType mediaType() {
                    return MediaType.APPLICATION_PROBLEM_JSON;
                }

                @Override
                public Object body(FmplexException problem, String path) {
                    return problemDocument(problem, path);
                }
            };

    private final List<ErrorDialect> dialects;

    public ErrorDialects(List<ErrorDialect> dialects) {
        this.dialects = List.copyOf(dialects);
    }

    public ErrorDialect forPath(String path) {
        for (ErrorDialect dialect : dialects) {
            if (dialect.handles(path)) {
                return dialect;
            }
        }
        return PROBLEM_JSON;
    }

    /** The members of a problem document, in the order Spring writes a {@code ProblemDetail}. */
    static Map<String, Object> problemDocument(FmplexException problem, String instance) {
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
