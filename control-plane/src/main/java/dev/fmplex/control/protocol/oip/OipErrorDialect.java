package dev.fmplex.control.protocol.oip;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.web.ErrorDialect;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/** The Open Inference Protocol's error shape on {@code /v2} and below: {@code {"error": "..."}}. */
@Component
class OipErrorDialect implements ErrorDialect {

    @Override
    public boolean handles(String path) {
        return path.equals("/v2") || path.startsWith("/v2/");
    }

    @Override
    public MediaType mediaType() {
        return MediaType.APPLICATION_JSON;
    }

    @Override
    public Object body(FmplexException problem, String path) {
        return Map.of("error", problem.getMessage());
    }
}
