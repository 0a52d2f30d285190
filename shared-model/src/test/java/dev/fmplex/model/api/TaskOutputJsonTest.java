package dev.fmplex.model.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Outputs round-trip through JSON without a type field, as the control plane relays them. */
class TaskOutputJsonTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void everyKindIsDeducedFromItsOwnMembers() {
        List<TaskOutput> outputs =
                List.of(
                        new EmbeddingOutput(new float[] {1, 2}, null, null),
                        new ClassificationOutput(
                                "pos", Map.of("neg", 0.1, "pos", 0.9), null, true, 300),
                        new RegressionOutput(0.42, null, null),
                        new TokenClassificationOutput(
                                List.of(
                                        new TokenClassificationOutput.TokenLabel(
                                                "paris", "LOC", 0.9)),
                                null,
                                null));
        InferResponse response =
                new InferResponse("v", 2, outputs, new Timing(1, 2, 3, 1), new Usage(7));
        String wire = json.writeValueAsString(response);
        assertThat(wire).doesNotContain("@type").contains("\"embedding\":[1.0,2.0]");
        InferResponse read = json.readValue(wire, InferResponse.class);
        assertThat(read.outputs()).hasSize(4);
        assertThat(read.outputs().get(0)).isInstanceOf(EmbeddingOutput.class);
        assertThat(read.outputs().get(1)).isEqualTo(outputs.get(1));
        assertThat(read.outputs().get(2)).isEqualTo(outputs.get(2));
        assertThat(read.outputs().get(3)).isEqualTo(outputs.get(3));
    }
}
