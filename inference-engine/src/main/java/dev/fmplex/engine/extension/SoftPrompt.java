package dev.fmplex.engine.extension;

import ai.djl.ndarray.NDArray;

/**
 * PEFT prompt tuning: {@code n} trained vectors placed before the whole sequence (before [CLS]) in
 * place of word embeddings; positions, token types and the attention mask cover them.
 *
 * @param embeddings shape {@code [n, hidden]}
 */
public record SoftPrompt(NDArray embeddings) {

    public int length() {
        return (int) embeddings.getShape().get(0);
    }
}
