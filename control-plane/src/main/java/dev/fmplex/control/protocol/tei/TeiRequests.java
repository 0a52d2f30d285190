package dev.fmplex.control.protocol.tei;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Bodies of the TEI routes; members FMplex does not use are ignored, as TEI does. */
final class TeiRequests {

    private TeiRequests() {}

    /**
     * {@code POST /embed}.
     *
     * @param inputs a string or an array of strings
     * @param normalize L2-normalize the vectors; true when absent, as in TEI
     * @param truncate cut inputs over the token limit instead of refusing them; false when absent,
     *     as in TEI
     * @param truncationDirection only {@code Right} (the default) is supported
     * @param promptName not supported (FMplex vFMs carry no prompt templates)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Embed(
            Object inputs,
            Boolean normalize,
            Boolean truncate,
            @JsonProperty("truncation_direction") String truncationDirection,
            @JsonProperty("prompt_name") String promptName) {}

    /**
     * {@code POST /predict}.
     *
     * @param inputs a string, a pair {@code [a, b]}, or an array of strings and pairs (TEI reads an
     *     array of exactly two strings as one pair)
     * @param rawScores scores before the sigmoid of a single-output (regression) head
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Predict(
            Object inputs,
            @JsonProperty("raw_scores") Boolean rawScores,
            Boolean truncate,
            @JsonProperty("truncation_direction") String truncationDirection) {}

    /**
     * {@code POST /rerank}: scores {@code [query, text]} pairs.
     *
     * @param returnText include each text in its rank
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Rerank(
            String query,
            List<Object> texts,
            @JsonProperty("return_text") Boolean returnText,
            @JsonProperty("raw_scores") Boolean rawScores,
            Boolean truncate,
            @JsonProperty("truncation_direction") String truncationDirection) {}
}
