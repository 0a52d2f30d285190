package dev.fmplex.control.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmplex.model.api.CreateVfmRequest;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.vfm.Quota;
import org.junit.jupiter.api.Test;

class CreateVfmValidatorTest {

    private static final EmbeddingTask TASK = new EmbeddingTask(null, null);

    private static String fieldOf(CreateVfmRequest request) {
        try {
            CreateVfmValidator.validate(request);
        } catch (FmplexException e) {
            return e.field();
        }
        return null;
    }

    @Test
    void defaultsTheWeightToOne() {
        assertThat(CreateVfmValidator.validate(new CreateVfmRequest("a", "b", null, TASK, null)))
                .isEqualTo(1.0);
        assertThat(TASK.pooling().wireName()).isEqualTo("mean");
        assertThat(TASK.normalize()).isTrue();
    }

    @Test
    void namesTheFirstInvalidField() {
        assertThat(fieldOf(new CreateVfmRequest(null, "b", 1.0, TASK, null))).isEqualTo("name");
        assertThat(fieldOf(new CreateVfmRequest("x".repeat(129), "b", 1.0, TASK, null)))
                .isEqualTo("name");
        assertThat(fieldOf(new CreateVfmRequest("a/b", "b", 1.0, TASK, null))).isEqualTo("name");
        assertThat(fieldOf(new CreateVfmRequest("a", " ", 1.0, TASK, null))).isEqualTo("backbone");
        assertThat(fieldOf(new CreateVfmRequest("a", "b", 1.0, null, null))).isEqualTo("task");
        assertThat(fieldOf(new CreateVfmRequest("a", "b", 0.0, TASK, null))).isEqualTo("weight");
        assertThat(fieldOf(new CreateVfmRequest("a", "b", Double.NaN, TASK, null)))
                .isEqualTo("weight");
        assertThat(fieldOf(new CreateVfmRequest("a", "b", 1000.5, TASK, null))).isEqualTo("weight");
        assertThat(fieldOf(new CreateVfmRequest("a", "b", 1.0, TASK, new Quota(0))))
                .isEqualTo("quota.maxInputsPerRequest");
        assertThat(fieldOf(new CreateVfmRequest("a.b_c-1", "b", 1000.0, TASK, new Quota(3))))
                .isNull();
    }

    @Test
    void limitsAreInTheMessage() {
        assertThatThrownBy(
                        () ->
                                CreateVfmValidator.validate(
                                        new CreateVfmRequest("a", "b", -1.0, TASK, null)))
                .hasMessageContaining("<= 1000.0");
    }
}
