package dev.fmplex.standalone;

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
}
