package dev.fmplex.control.protocol.openai;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Tokens a request ran through the backbone; an encoder generates none. */
public record OpenAiUsage(
        @JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("total_tokens") long totalTokens) {

    static OpenAiUsage of(long inputTokens) {
        return new OpenAiUsage(inputTokens, inputTokens);
    }
}
