package dev.fmplex.control.protocol.openai;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.web.ErrorDialect;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * OpenAI's error shape on {@code /v1/**} and {@code /classify}: {@code {"error": {"message",
 * "type", "param", "code"}}}, with OpenAI's status codes, so that the SDKs raise their typed errors
 * (a 401 is {@code AuthenticationError}, a 404 {@code NotFoundError}). {@code param} is the
 * offending member as the client sent it; {@code code} is the FMplex problem type in snake case,
 * except OpenAI's own {@code model_not_found} and {@code invalid_api_key}.
 */
@Component
class OpenAiErrorDialect implements ErrorDialect {

    @Override
    public boolean handles(String path) {
        return path.startsWith("/v1/") || path.equals("/classify");
    }

    @Override
    public MediaType mediaType() {
        return MediaType.APPLICATION_JSON;
    }

    @Override
    public Object body(FmplexException problem, String path) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", problem.getMessage());
        error.put("type", type(problem.type()));
        error.put("param", problem.field());
        error.put("code", code(problem.type()));
        return Map.of("error", error);
    }

    private static String type(ProblemType type) {
        int status = type.status();
        if (status >= 500) {
            return "server_error";
        }
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> "invalid_request_error";
        };
    }

    private static String code(ProblemType type) {
        return switch (type) {
            case UNKNOWN_VFM -> "model_not_found";
            case UNAUTHENTICATED -> "invalid_api_key";
            default -> type.uri().getPath().substring("/problems/".length()).replace('-', '_');
        };
    }
}
