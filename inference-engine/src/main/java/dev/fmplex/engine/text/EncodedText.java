package dev.fmplex.engine.text;

import dev.fmplex.engine.input.ContentKey;
import dev.fmplex.engine.input.ModelInput;

/**
 * One tokenized input.
 *
 * @param ids token ids with special tokens, already cut to the backbone's limit
 * @param inputTokens the input's length in tokens before any cut
 * @param tokens the word pieces of {@code ids} (for token-level outputs); may be null
 */
public record EncodedText(long[] ids, int inputTokens, String[] tokens) implements ModelInput {

    public EncodedText(long[] ids, int inputTokens) {
        this(ids, inputTokens, null);
    }

    /** The token ids: two texts that tokenize alike run alike. */
    @Override
    public ContentKey contentKey() {
        return ContentKey.of(EncodedText.class, ids);
    }

    /** Tokens the backbone runs, special tokens included. */
    @Override
    public int units() {
        return ids.length;
    }

    public boolean truncated() {
        return inputTokens > ids.length;
    }

    /** The word piece at {@code position}, or its id when the tokens were not kept. */
    public String token(int position) {
        return tokens == null ? Long.toString(ids[position]) : tokens[position];
    }
}
