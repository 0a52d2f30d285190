package dev.fmplex.engine.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmplex.engine.input.InvalidInputException.Reason;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestInputsTest {

    @Test
    void returnsStringsInOrder() {
        assertThat(RequestInputs.require(List.of("a", "", "c"), 3)).containsExactly("a", "", "c");
    }

    @Test
    void namesTheFirstValueThatIsNotAString() {
        assertThatThrownBy(() -> RequestInputs.require(Arrays.asList("a", null), 5))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> {
                            assertThat(e.field()).isEqualTo("inputs[1]");
                            assertThat(e.getMessage())
                                    .isEqualTo("inputs[1] must be a string, got null");
                        });
        assertThatThrownBy(() -> RequestInputs.require(List.of(true), 5))
                .hasMessage("inputs[0] must be a string, got a boolean");
    }

    @Test
    void anObjectIsAnInputOfAnotherModality() {
        assertThatThrownBy(
                        () -> RequestInputs.require(List.of("a", "b", Map.of("image", "iVBO")), 5))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(Reason.WRONG_MODALITY);
                            assertThat(e.field()).isEqualTo("inputs[2]");
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "inputs[2] is an object [image]; this backbone takes"
                                                    + " text: send each input as a string");
                        });
    }

    @Test
    void enforcesPresenceAndTheLimit() {
        assertThatThrownBy(() -> RequestInputs.require(null, 5)).hasMessageContaining("required");
        assertThatThrownBy(() -> RequestInputs.require(List.of(), 5))
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> RequestInputs.require(List.of("a", "b", "c"), 2))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_INPUTS);
                            assertThat(e.limits())
                                    .containsEntry("limit", 2)
                                    .containsEntry("actual", 3);
                        });
    }
}
