package dev.fmplex.engine.extension.head;

import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.text.EncodedText;

/**
 * One input as a head sees it.
 *
 * @param input the input its features came from (tokenized text, a preprocessed image, ...)
 * @param promptLength virtual tokens placed before it (0 without a soft prompt); its [CLS] sits at
 *     this position of the row
 */
public record HeadRow(ModelInput input, int promptLength) {

    /** The tokenized text of a text row; only token-level heads, which text backbones alone run. */
    public EncodedText text() {
        if (input instanceof EncodedText text) {
            return text;
        }
        throw new IllegalStateException(
                "a token-level head ran on a " + input.getClass().getSimpleName());
    }

    /** {@code true} when the input was cut, else null so the field is left out of JSON. */
    public Boolean truncatedOrNull() {
        return input instanceof EncodedText text && text.truncated() ? Boolean.TRUE : null;
    }

    public Integer inputTokensOrNull() {
        return input instanceof EncodedText text && text.truncated() ? text.inputTokens() : null;
    }
}
