package dev.fmplex.control.protocol.openai;

import java.util.List;

/** Reply of {@code POST /v1/embeddings}, as OpenAI's API has it. */
public record EmbeddingsResponse(
        String object, List<Embedding> data, String model, OpenAiUsage usage) {

    /**
     * One input's vector.
     *
     * @param embedding an array of floats, or a base64 string of little-endian float32 bytes
     */
    public record Embedding(String object, int index, Object embedding) {}
}
