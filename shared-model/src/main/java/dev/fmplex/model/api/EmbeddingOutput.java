package dev.fmplex.model.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An embedding for one input.
 *
 * @param embedding the pooled (and, if the task says so, L2-normalized) vector
 * @param truncated present and true only when the input was cut to the backbone's token limit
 * @param inputTokens present with {@code truncated}: the input's length in tokens before the cut
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EmbeddingOutput(float[] embedding, Boolean truncated, Integer inputTokens)
        implements TaskOutput {

    public static EmbeddingOutput of(float[] embedding, int inputTokens, int usedTokens) {
        return inputTokens > usedTokens
                ? new EmbeddingOutput(embedding, Boolean.TRUE, inputTokens)
                : new EmbeddingOutput(embedding, null, null);
    }
}
