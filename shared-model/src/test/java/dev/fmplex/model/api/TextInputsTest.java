package dev.fmplex.model.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextInputsTest {

    @Test
    void returnsStringsInOrder() {
        assertThat(TextInputs.require(List.of("a", "", "c"), 3)).containsExactly("a", "", "c");
    }

    @Test
    void namesTheFirstValueThatIsNotAString() {
        assertThatThrownBy(() -> TextInputs.require(Arrays.asList("a", null), 5))
                .isInstanceOfSatisfying(
                        FmplexException.class,
                        e -> {
                            assertThat(e.field()).isEqualTo("inputs[1]");
                            assertThat(e.getMessage())
                                    .isEqualTo("inputs[1] must be a string, got null");
                        });
        assertThatThrownBy(() -> TextInputs.require(List.of(true), 5))
                .hasMessage("inputs[0] must be a string, got a boolean");
    }

    @Test
    void anObjectIsAnInputOfAnotherModality() {
        assertThatThrownBy(() -> TextInputs.require(List.of("a", "b", Map.of("image", "iVBO")), 5))
                .isInstanceOfSatisfying(
                        FmplexException.class,
                        e -> {
                            assertThat(e.type()).isEqualTo(ProblemType.WRONG_MODALITY);
                            assertThat(e.field()).isEqualTo("inputs[2]");
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "inputs[2] is an object [image]; this backbone takes"
                                                    + " text: send each input as a string");
                        });
    }

    @Test
    void enforcesPresenceAndTheLimit() {
        assertThatThrownBy(() -> TextInputs.require(null, 5)).hasMessageContaining("required");
        assertThatThrownBy(() -> TextInputs.require(List.of(), 5))
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> TextInputs.require(List.of("a", "b", "c"), 2))
                .isInstanceOfSatisfying(
                        FmplexException.class,
                        e -> {
                            assertThat(e.type()).isEqualTo(ProblemType.TOO_MANY_INPUTS);
                            assertThat(e.properties())
                                    .containsEntry("limit", 2)
                                    .containsEntry("actual", 3);
                        });
    }
}
