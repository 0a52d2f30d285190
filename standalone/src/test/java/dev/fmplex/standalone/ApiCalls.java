package dev.fmplex.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpEntity;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

/** The HTTP calls and problem+json checks the standalone tests share. */
final class ApiCalls {

    static final String BACKBONE = "all-minilm-l6-v2";

    private ApiCalls() {}

    static WebTestClient.ResponseSpec post(WebTestClient client, String uri, String json) {
        return client.post()
                .uri(uri)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json)
                .exchange();
    }

    /** {@code POST /vfms} that must answer 201; returns the new vFM's id. */
    static String createVfm(WebTestClient client, String json) {
        return (String)
                post(client, "/vfms", json)
                        .expectStatus()
                        .isCreated()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody()
                        .get("id");
    }

    /** {@code POST /vfms/{id}/versions} with one {@code files} part per file, named after it. */
    static WebTestClient.ResponseSpec upload(
            WebTestClient client, String id, Map<String, byte[]> files) {
        return client.post()
                .uri("/vfms/{id}/versions", id)
                .body(BodyInserters.fromMultipartData(multipart(files)))
                .exchange();
    }

    static MultiValueMap<String, HttpEntity<?>> multipart(Map<String, byte[]> files) {
        MultipartBodyBuilder builder = new MultipartBodyBuilder();
        files.forEach((name, bytes) -> builder.part("files", bytes).filename(name));
        return builder.build();
    }

    /** An RFC 9457 problem with this status and type, naming {@code field} (or none if null). */
    static WebTestClient.BodyContentSpec expectProblem(
            WebTestClient.ResponseSpec response, int status, String type, String field) {
        WebTestClient.BodyContentSpec body =
                response.expectStatus()
                        .isEqualTo(status)
                        .expectHeader()
                        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                        .expectBody()
                        .jsonPath("$.type")
                        .isEqualTo("https://fmplex.dev/problems/" + type)
                        .jsonPath("$.status")
                        .isEqualTo(status)
                        .jsonPath("$.detail")
                        .isNotEmpty();
        return field == null
                ? body.jsonPath("$.field").doesNotExist()
                : body.jsonPath("$.field").isEqualTo(field);
    }

    /** Polls a training job until it has finished (three minutes at most). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> awaitFinished(WebTestClient client, String jobId) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            Map<String, Object> job =
                    client.get()
                            .uri("/training-jobs/{id}", jobId)
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody(Map.class)
                            .returnResult()
                            .getResponseBody();
            String state = (String) job.get("state");
            if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
                return job;
            }
            assertThat(Instant.now()).as("job " + jobId + " still " + state).isBefore(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000); // poll, gently
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> infer(WebTestClient client, String vfm, List<String> texts) {
        StringBuilder inputs = new StringBuilder();
        for (String text : texts) {
            inputs.append(inputs.isEmpty() ? "" : ",").append('"').append(text).append('"');
        }
        Map<String, Object> reply =
                ApiCalls.post(client, "/vfms/" + vfm + "/infer", "{\"inputs\":[" + inputs + "]}")
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        return (List<Map<String, Object>>) reply.get("outputs");
    }

    /** {@code texts} inferred 32 at a time, outputs in order. */
    static List<Map<String, Object>> inferAll(
            WebTestClient client, String vfm, List<String> texts) {
        List<Map<String, Object>> outputs = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += 32) {
            outputs.addAll(
                    infer(client, vfm, texts.subList(from, Math.min(texts.size(), from + 32))));
        }
        return outputs;
    }

    /** The embedding vFM's vectors of {@code texts}. */
    @SuppressWarnings("unchecked")
    static double[][] embed(WebTestClient client, String vfm, List<String> texts) {
        List<Map<String, Object>> outputs = inferAll(client, vfm, texts);
        double[][] x = new double[texts.size()][];
        for (int i = 0; i < x.length; i++) {
            List<Number> embedding = (List<Number>) outputs.get(i).get("embedding");
            x[i] = embedding.stream().mapToDouble(Number::doubleValue).toArray();
        }
        return x;
    }
}
