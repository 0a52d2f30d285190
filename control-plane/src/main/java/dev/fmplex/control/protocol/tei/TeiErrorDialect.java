package dev.fmplex.control.protocol.tei;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.web.ErrorDialect;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * TEI's error shape {@code {"error": "...", "error_type": "..."}} on its routes. TEI's types are
 * {@code Validation} (the client's mistake), {@code Overloaded} (429), {@code Unhealthy} (503) and
 * {@code Backend}; FMplex adds {@code Unauthorized} (401, 403) and {@code NotFound} (404), which a
 * TEI server without keys or model names never needs.
 */
@Component
class TeiErrorDialect implements ErrorDialect {

    private static final Set<String> ROUTES = Set.of("/embed", "/predict", "/rerank", "/info");

    @Override
    public boolean handles(String path) {
        return ROUTES.contains(path) || path.startsWith("/tei/");
    }

    @Override
    public MediaType mediaType() {
        return MediaType.APPLICATION_JSON;
    }

    @Override
    public Object body(FmplexException problem, String path) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", problem.getMessage());
        body.put("error_type", type(problem.type().status()));
        return body;
    }

    private static String type(int status) {
        return switch (status) {
            case 401, 403 -> "Unauthorized";
            case 404 -> "NotFound";
            case 429 -> "Overloaded";
            case 503 -> "Unhealthy";
            default -> status >= 500 ? "Backend" : "Validation";
        };
    }
}
