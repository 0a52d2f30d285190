package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the hidden states of one input become a single feature vector. */
public enum Pooling {
    /** The state at position 0, as Hugging Face models read [CLS]. */
    CLS("cls"),
    /** The average over real input tokens; padding never counts. */
    MEAN("mean"),
    /** The element-wise maximum over real input tokens. */
    MAX("max");

    private final String wireName;

    Pooling(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
