package dev.fmplex.standalone;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

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
