package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Sentence embedding: pool one hidden layer over the input and optionally L2-normalize.
 *
 * @param pooling how token states become one vector; {@code mean} when absent
 * @param normalize whether the vector is scaled to unit length; {@code true} when absent
 * @param layer hidden-state index to pool (see {@link TaskSpec}); the last layer when absent
 * @param missingValues on a time-series backbone, what missing values in an input do; {@code
 *     reject} when absent
 */
public record EmbeddingTask(
        Pooling pooling,
        Boolean normalize,
        Integer layer,
        @JsonInclude(JsonInclude.Include.NON_NULL) MissingValues missingValues)
        implements TaskSpec {

    /** The wire name of this kind. */
    public static final String KIND = "embedding";

    public EmbeddingTask {
        pooling = pooling == null ? Pooling.MEAN : pooling;
        normalize = normalize == null ? Boolean.TRUE : normalize;
    }

    public EmbeddingTask(Pooling pooling, Boolean normalize, Integer layer) {
        this(pooling, normalize, layer, null);
    }

    public EmbeddingTask(Pooling pooling, Boolean normalize) {
        this(pooling, normalize, null);
    }

    @Override
    @JsonIgnore
    public String kind() {
        return KIND;
    }

    @Override
    @JsonIgnore
    public boolean needsHead() {
        return false;
    }
}
