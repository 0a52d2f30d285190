package dev.fmplex.control.protocol.tei;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** Replies of the TEI routes, as TEI writes them. */
final class TeiReplies {

    private TeiReplies() {}

    /** One label's score from {@code /predict}. */
    record Prediction(double score, String label) {}

    /** One text's place from {@code /rerank}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Rank(int index, double score, String text) {}

    /**
     * {@code GET /info}.
     *
     * @param modelType {@code {"embedding": {"pooling"}}}, {@code {"classifier": {"id2label",
     *     "label2id"}}} or {@code {"reranker": ...}}, as TEI describes the model it serves
     * @param maxClientBatchSize the vFM's quota of inputs per request, when it has one
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Info(
            @JsonProperty("model_id") String modelId,
            @JsonProperty("model_sha") String modelSha,
            @JsonProperty("model_dtype") String modelDtype,
            @JsonProperty("model_type") Map<String, Object> modelType,
            @JsonProperty("max_input_length") int maxInputLength,
            @JsonProperty("max_client_batch_size") Integer maxClientBatchSize,
            String version) {}
}
