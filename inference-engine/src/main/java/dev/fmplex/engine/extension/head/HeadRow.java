package dev.fmplex.engine.extension.head;

import dev.fmplex.engine.text.EncodedText;

/**
 * One input as a head sees it.
 *
 * @param promptLength virtual tokens placed before it (0 without a soft prompt); its [CLS] sits at
 *     this position of the row
 */
public record HeadRow(EncodedText text, int promptLength) {

    /** {@code true} when the input was cut, else null so the field is left out of JSON. */
    public Boolean truncatedOrNull() {
        return text.truncated() ? Boolean.TRUE : null;
    }

    public Integer inputTokensOrNull() {
        return text.truncated() ? text.inputTokens() : null;
    }
}
