package dev.fmplex.model.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A regression value for one input; truncation fields as in {@link EmbeddingOutput}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegressionOutput(double value, Boolean truncated, Integer inputTokens)
        implements TaskOutput {}
