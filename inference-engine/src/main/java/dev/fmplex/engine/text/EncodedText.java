package dev.fmplex.engine.text;

/**
 * One tokenized input.
 *
 * @param ids token ids with special tokens, already cut to the backbone's limit
 * @param inputTokens the input's length in tokens before any cut
 */
public record EncodedText(long[] ids, int inputTokens) {

    public boolean truncated() {
        return inputTokens > ids.length;
    }
}
