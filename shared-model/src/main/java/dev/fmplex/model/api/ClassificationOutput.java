package dev.fmplex.model.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A classification of one input.
 *
 * @param label the highest-scoring label
 * @param scores every label's probability (softmax, or independent sigmoids when multi-label)
 * @param labels multi-label only: the labels scoring at least 0.5, best first
 * @param truncated present and true only when the input was cut to the token limit
 * @param inputTokens present with {@code truncated}: the input's length before the cut
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassificationOutput(
        String label,
        Map<String, Double> scores,
        List<String> labels,
        Boolean truncated,
        Integer inputTokens)
        implements TaskOutput {}
