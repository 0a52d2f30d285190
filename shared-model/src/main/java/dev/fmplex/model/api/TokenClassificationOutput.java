package dev.fmplex.model.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Labels for the input's tokens, in order; truncation fields as in {@link EmbeddingOutput}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenClassificationOutput(
        List<TokenLabel> tokens, Boolean truncated, Integer inputTokens) implements TaskOutput {

    /** One token: its word piece, best label and that label's probability. */
    public record TokenLabel(String token, String label, double score) {}
}
