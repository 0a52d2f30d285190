package dev.fmplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.model.api.CreateVfmRequest;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import org.junit.jupiter.api.Test;
import org.springframework.core.codec.DecodingException;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Unreadable bodies become problems that name the JSON path of the offending value. */
class ProblemDetailsAdviceTest {

    private final JsonMapper json =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private FmplexException describe(String body, Class<?> type) {
        try {
            json.readValue(body, type);
        } catch (JacksonException e) {
            return ProblemDetailsAdvice.describe(
                    new ServerWebInputException(
                            "Failed to read HTTP message",
                            null,
                            new DecodingException("JSON decoding error", e)));
        }
        throw new AssertionError("expected " + body + " to fail");
    }

    @Test
    void nestedFieldsAndArrayIndicesFormAJsonPath() {
        FmplexException pooling =
                describe(
                        "{\"name\":\"a\",\"task\":{\"kind\":\"embedding\",\"pooling\":\"avg\"}}",
                        CreateVfmRequest.class);
        assertThat(pooling.type()).isEqualTo(ProblemType.INVALID_REQUEST);
        assertThat(pooling.field()).isEqualTo("task.pooling");
        assertThat(pooling.getMessage())
                .contains("avg")
                .contains("[cls, max, mean]")
                .doesNotContain("dev.fmplex");

        FmplexException quota =
                describe("{\"quota\":{\"maxInputsPerRequest\":[1]}}", CreateVfmRequest.class);
        assertThat(quota.field()).isEqualTo("quota.maxInputsPerRequest");
    }

    @Test
    void unknownFieldsAndKindsAreNamed() {
        assertThat(describe("{\"inputs\":[\"a\"],\"truncat\":true}", InferRequest.class).field())
                .isEqualTo("truncat");
        FmplexException kind =
                describe("{\"task\":{\"kind\":\"summarize\"}}", CreateVfmRequest.class);
        assertThat(kind.field()).isEqualTo("task");
        assertThat(kind.getMessage()).contains("summarize").contains("embedding");
    }

    @Test
    void malformedJsonGetsItsOwnTypeWithAPosition() {
        FmplexException malformed = describe("{\"inputs\": [\"a\",", InferRequest.class);
        assertThat(malformed.type()).isEqualTo(ProblemType.MALFORMED_JSON);
        assertThat(malformed.getMessage()).contains("line 1, column").doesNotContain("[Source");
        assertThat(malformed.field()).isNull();
    }

    @Test
    void aMissingBodyIsSaidPlainly() {
        FmplexException missing =
                ProblemDetailsAdvice.describe(new ServerWebInputException("No request body"));
        assertThat(missing.getMessage()).isEqualTo("request body is required");
    }
}
