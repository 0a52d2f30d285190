package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a vFM on a time-series backbone does with missing values ({@code null} in a series). Absent
 * means {@link #REJECT}; text and image backbones have no missing values and refuse the field.
 */
public enum MissingValues {
    /** Refuse the request with 422, naming the first missing value. */
    REJECT("reject"),
    /**
     * Treat them as unobserved, as transformers' {@code past_observed_mask} does: they do not count
     * toward the series' mean and spread, and enter the model as 0.
     */
    MASK("mask"),
    /**
     * Fill them by linear interpolation between the nearest observed values (the nearest one at
     * either end); a series with no observed value is refused.
     */
    INTERPOLATE("interpolate");

    private final String wireName;

    MissingValues(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
