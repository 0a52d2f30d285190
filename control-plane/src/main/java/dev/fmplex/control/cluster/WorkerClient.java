package dev.fmplex.control.cluster;

import dev.fmplex.model.api.FanOutRequest;
import dev.fmplex.model.api.FanOutResponse;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.vfm.VfmDeployment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Calls one worker's HTTP API. A problem document a worker answers with becomes the same {@link
 * FmplexException} here, so clients of the control plane see the worker's precise error.
 */
final class WorkerClient {

    /** A worker that could not be reached or answered 5xx: try another replica. */
    static final class WorkerUnavailableException extends RuntimeException {
        WorkerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final WebClient web;

    WorkerClient(WebClient.Builder builder) {
        this.web = builder.codecs(c -> c.defaultCodecs().maxInMemorySize(64 << 20)).build();
    }

    Mono<InferResponse> infer(String address, VfmDeployment deployment, InferRequest request) {
        return web.post()
                .uri(address + "/vfms/{id}/infer", deployment.vfmId())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(request)
                .exchangeToMono(response -> body(response, InferResponse.class, address))
                // A hung worker must not hold requests forever; its breaker counts the timeout.
                .timeout(callLimit(request));
    }

    private static Duration callLimit(InferRequest request) {
        long ms = request.timeoutMs() == null ? 30_000 : request.timeoutMs();
        return Duration.ofMillis(ms + 5_000);
    }

    Mono<FanOutResponse> inferMany(String address, List<String> vfms, InferRequest request) {
        FanOutRequest body =
                new FanOutRequest(
                        vfms,
                        request.inputs(),
                        request.truncate(),
                        request.timeoutMs(),
                        request.imageSize());
        return web.post()
                .uri(address + "/infer")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchangeToMono(response -> body(response, FanOutResponse.class, address))
                .timeout(callLimit(request));
    }

    /** Loads (or replaces) a version on the worker; returns its resident bytes. */
    long deploy(String address, VfmDeployment deployment, Map<String, byte[]> files) {
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        parts.part("deployment", deployment, MediaType.APPLICATION_JSON);
        files.forEach((name, bytes) -> parts.part("files", bytes).filename(name));
        JsonNode reply =
                web.put()
                        .uri(address + "/internal/vfms/{id}", deployment.vfmId())
                        .body(BodyInserters.fromMultipartData(parts.build()))
                        .exchangeToMono(response -> body(response, JsonNode.class, address))
                        .block(Duration.ofMinutes(2));
        return reply.get("residentBytes").asLong();
    }

    void undeploy(String address, String vfmId) {
        web.delete()
                .uri(address + "/internal/vfms/{id}", vfmId)
                .exchangeToMono(response -> body(response, Void.class, address))
                .block(Duration.ofSeconds(30));
    }

    void lifecycle(String address, String vfmId, String action) {
        web.post()
                .uri(address + "/internal/vfms/{id}/" + action, vfmId)
                .exchangeToMono(response -> body(response, Void.class, address))
                .block(Duration.ofSeconds(30));
    }

    /** One vFM's queue in the worker's scheduler ({@code SchedulerStats.VfmQueueStats}). */
    JsonNode queueStats(String address, String vfmId) {
        return web.get()
                .uri(address + "/internal/vfms/{id}/stats", vfmId)
                .exchangeToMono(response -> body(response, JsonNode.class, address))
                .block(Duration.ofSeconds(10));
    }

    /**
     * Every backbone's scheduler on the worker, with each vFM's queue: {@code GET /internal/stats}.
     */
    JsonNode schedulerStats(String address) {
        return web.get()
                .uri(address + "/internal/stats")
                .exchangeToMono(response -> body(response, JsonNode.class, address))
                .block(Duration.ofSeconds(10));
    }

    private static <T> Mono<T> body(ClientResponse response, Class<T> type, String address) {
        HttpStatusCode status = response.statusCode();
        if (status.is2xxSuccessful()) {
            return response.bodyToMono(type);
        }
        return response.bodyToMono(JsonNode.class)
                .defaultIfEmpty(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode())
                .flatMap(problem -> Mono.error(relay(status, problem, address)));
    }

    /**
     * A worker's problem becomes the same problem here, except when it means "this worker cannot
     * serve" (unreachable is handled by the caller; 502/503, or a vFM it does not hold after a
     * restart), which is a reason to try another replica.
     */
    private static RuntimeException relay(HttpStatusCode status, JsonNode problem, String address) {
        String type = problem.path("type").asString("");
        String slug = type.substring(type.lastIndexOf('/') + 1);
        String detail =
                problem.path("detail")
                        .asString("worker " + address + " answered " + status.value());
        java.util.Optional<ProblemType> known = ProblemType.fromSlug(slug);
        boolean workerCannotServe =
                status.value() == 502
                        || status.value() == 503
                        || (status.value() == 404
                                && (slug.equals("unknown-vfm") || slug.equals("vfm-not-loaded")))
                        || (known.isEmpty() && status.is5xxServerError());
        FmplexException relayed =
                new FmplexException(
                        known.orElse(
                                status.is5xxServerError()
                                        ? ProblemType.VFM_FAILED
                                        : ProblemType.INVALID_REQUEST),
                        problem.hasNonNull("field") ? problem.get("field").asString() : null,
                        detail,
                        extraProperties(problem),
                        null);
        return workerCannotServe
                ? new WorkerUnavailableException("worker " + address + ": " + detail, relayed)
                : relayed;
    }

    /**
     * The members a worker added beyond RFC 9457's own ({@code limit}, {@code actual}, {@code
     * retryAfterSeconds}, ...): a client of the control plane reads them just as from a worker, and
     * the 429's {@code Retry-After} header is rebuilt from them.
     */
    private static Map<String, Object> extraProperties(JsonNode problem) {
        Map<String, Object> extra = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : problem.properties()) {
            if (STANDARD_MEMBERS.contains(member.getKey())) {
                continue;
            }
            JsonNode value = member.getValue();
            if (value.isIntegralNumber()) {
                extra.put(member.getKey(), value.asLong());
            } else if (value.isNumber()) {
                extra.put(member.getKey(), value.asDouble());
            } else if (value.isBoolean()) {
                extra.put(member.getKey(), value.asBoolean());
            } else if (value.isString()) {
                extra.put(member.getKey(), value.asString());
            }
        }
        return extra;
    }

    private static final java.util.Set<String> STANDARD_MEMBERS =
            java.util.Set.of("type", "title", "status", "detail", "instance", "field");
}
