package dev.fmplex.engine.text;

import dev.fmplex.engine.input.ContentKey;
import dev.fmplex.engine.input.ModelInput;

/**
 * One tokenized input.
 *
 * @param ids token ids with special tokens, already cut to the backbone's limit
 * @param inputTokens the input's length in tokens before any cut
 * @param tokens the word pieces of {@code ids} (for token-level outputs); may be null
 * @param typeIds the segment of each token (BERT's token type ids: 0 for the first text of a
 *     sentence pair and its special tokens, 1 for the second); null means all 0, a single text
 */
public record EncodedText(long[] ids, int inputTokens, String[] tokens, long[] typeIds)
        implements ModelInput {

    public EncodedText {
        if (typeIds != null && typeIds.length != ids.length) {
            throw new IllegalArgumentException(
                    "typeIds has " + typeIds.length + " entries for " + ids.length + " tokens");
        }
    }

    public EncodedText(long[] ids, int inputTokens, String[] tokens) {
        this(ids, inputTokens, tokens, null);
    }

    public EncodedText(long[] ids, int inputTokens) {
        this(ids, inputTokens, null, null);
    }

    /** The token ids and segments: two inputs that tokenize alike run alike. */
    @Override
    public ContentKey contentKey() {
        return typeIds == null
                ? ContentKey.of(EncodedText.class, ids)
                : ContentKey.of(EncodedText.class, ids, typeIds);
    }

    /** Whether this is a sentence pair (some token is in the second segment). */
    public boolean pair() {
        return typeIds != null;
    }

    /** Copies the token type ids into {@code target} from {@code offset}; zeros need no copy. */
    public void copyTypeIds(long[] target, int offset) {
        if (typeIds != null) {
            System.arraycopy(typeIds, 0, target, offset, typeIds.length);
        }
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
