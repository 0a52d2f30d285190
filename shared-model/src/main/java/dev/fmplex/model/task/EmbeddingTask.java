package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Sentence embedding: pool one hidden layer over the input and optionally L2-normalize.
 *
 * @param pooling how token states become one vector; {@code mean} when absent
 * @param normalize whether the vector is scaled to unit length; {@code true} when absent
 * @param layer hidden-state index to pool (see {@link TaskSpec}); the last layer when absent
 */
public record EmbeddingTask(Pooling pooling, Boolean normalize, Integer layer) implements TaskSpec {

    /** The wire name of this kind. */
    public static final String KIND = "embedding";

    public EmbeddingTask {
        pooling = pooling == null ? Pooling.MEAN : pooling;
        normalize = normalize == null ? Boolean.TRUE : normalize;
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
