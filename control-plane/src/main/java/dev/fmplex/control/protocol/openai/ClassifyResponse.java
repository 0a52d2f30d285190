package dev.fmplex.control.protocol.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Reply of vLLM's {@code POST /classify}. */
public record ClassifyResponse(
        String id,
        String object,
        long created,
        String model,
        List<Classification> data,
        OpenAiUsage usage) {

    /**
     * One input's classification.
     *
     * @param label the most probable label
     * @param probs every label's probability, in the vFM's label order
     */
    public record Classification(
            int index, String label, double[] probs, @JsonProperty("num_classes") int numClasses) {}
}
