package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Forecasting on a time-series backbone: the next {@code horizon} steps of every channel, from a
 * trained linear head over each channel's pooled features (transformers' {@code
 * PatchTSTPredictionHead} with a pooling type), rescaled to the input's own level and spread.
 *
 * @param horizon steps forecast; must equal the head's output rows (its {@code prediction_length})
 * @param pooling how a channel's patch states become one vector; {@code mean} when absent, as
 *     transformers' default {@code pooling_type}
 * @param layer hidden-state index (see {@link TaskSpec})
 * @param missingValues what missing values in an input do; {@code reject} when absent
 */
public record ForecastingTask(
        Integer horizon,
        Pooling pooling,
        Integer layer,
        @JsonInclude(JsonInclude.Include.NON_NULL) MissingValues missingValues)
        implements TaskSpec {

    public static final String KIND = "forecasting";

    public ForecastingTask {
        pooling = pooling == null ? Pooling.MEAN : pooling;
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
