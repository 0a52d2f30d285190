package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One real value per input from a trained linear head with one output row.
 *
 * @param pooling features for the head; {@code cls} when absent
 * @param layer hidden-state index (see {@link TaskSpec})
 * @param missingValues on a time-series backbone, what missing values in an input do; {@code
 *     reject} when absent
 */
public record RegressionTask(
        Pooling pooling,
        Integer layer,
        @JsonInclude(JsonInclude.Include.NON_NULL) MissingValues missingValues)
        implements TaskSpec {

    public static final String KIND = "regression";

    public RegressionTask {
        pooling = pooling == null ? Pooling.CLS : pooling;
    }

    public RegressionTask(Pooling pooling, Integer layer) {
        this(pooling, layer, null);
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
