package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Sequence classification with a trained head: linear ({@code classifier.weight/bias}) or the
 * RoBERTa-style MLP ({@code classifier.dense} + tanh + {@code classifier.out_proj}).
 *
 * @param labels class names, in the order of the head's output rows
 * @param multiLabel sigmoid per label instead of one softmax; {@code false} when absent
 * @param pooling features for the head; {@code cls} (position 0, as Hugging Face) when absent
 * @param layer hidden-state index (see {@link TaskSpec})
 * @param missingValues on a time-series backbone, what missing values in an input do; {@code
 *     reject} when absent
 */
public record ClassificationTask(
        List<String> labels,
        Boolean multiLabel,
        Pooling pooling,
        Integer layer,
        @JsonInclude(JsonInclude.Include.NON_NULL) MissingValues missingValues)
        implements TaskSpec {

    public static final String KIND = "classification";

    public ClassificationTask {
        labels = labels == null ? null : List.copyOf(labels);
        multiLabel = multiLabel == null ? Boolean.FALSE : multiLabel;
        pooling = pooling == null ? Pooling.CLS : pooling;
    }

    public ClassificationTask(
            List<String> labels, Boolean multiLabel, Pooling pooling, Integer layer) {
        this(labels, multiLabel, pooling, layer, null);
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
