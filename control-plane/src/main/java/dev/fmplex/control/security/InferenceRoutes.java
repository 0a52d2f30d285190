package dev.fmplex.control.security;

import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Every route that runs or describes inference, native and standard protocols alike: what an infer
 * key may call, and what the audit leaves to metrics. One list, so that a new protocol route cannot
 * be open to one filter and closed to another.
 */
final class InferenceRoutes {

    /** Routes that run inputs through vFMs. */
    static final String[] RUN = {
        "/infer",
        "/vfms/*/infer",
        "/v1/embeddings",
        "/classify",
        "/embed",
        "/predict",
        "/rerank",
        "/tei/*/embed",
        "/tei/*/predict",
        "/tei/*/rerank",
        "/v2/models/*/infer"
    };

    /** Routes that describe the models a key may call. */
    static final String[] DESCRIBE = {
        "/v1/models",
        "/v1/models/*",
        "/info",
        "/tei/*/info",
        "/v2",
        "/v2/models/*",
        "/v2/models/*/ready"
    };

    /** Open Inference Protocol health, open like {@code /actuator/health}. */
    static final String[] HEALTH = {"/v2/health/live", "/v2/health/ready"};

    private static final List<PathPattern> RUN_PATTERNS =
            java.util.Arrays.stream(RUN).map(PathPatternParser.defaultInstance::parse).toList();

    private InferenceRoutes() {}

    static boolean runsInference(String path) {
        PathContainer container = PathContainer.parsePath(path);
        return RUN_PATTERNS.stream().anyMatch(pattern -> pattern.matches(container));
    }
}
