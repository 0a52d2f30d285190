package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One real value per input from a trained linear head with one output row.
 *
 * @param pooling features for the head; {@code cls} when absent
 * @param layer hidden-state index (see {@link TaskSpec})
 */
public record RegressionTask(Pooling pooling, Integer layer) implements TaskSpec {

    public static final String KIND = "regression";

    public RegressionTask {
        pooling = pooling == null ? Pooling.CLS : pooling;
    }

    @Override
    @JsonIgnore
    public String kind() {
        return KIND;
    }

    @Override
    @JsonIgnore
    public boolean needsHead() {
        return true;
    }
}
