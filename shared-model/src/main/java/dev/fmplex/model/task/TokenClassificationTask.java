package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * A label per input token (special and virtual tokens excluded) from a trained linear head.
 *
 * @param labels label names, in the order of the head's output rows
 * @param layer hidden-state index (see {@link TaskSpec})
 */
public record TokenClassificationTask(List<String> labels, Integer layer) implements TaskSpec {

    public static final String KIND = "token-classification";

    public TokenClassificationTask {
        labels = labels == null ? null : List.copyOf(labels);
    }

    @Override
    @JsonIgnore
    public String kind() {
        return KIND;
    }

    @Override
    @JsonIgnore
    public Pooling pooling() {
        return null;
    }

    @Override
    @JsonIgnore
    public boolean needsHead() {
        return true;
    }
}
