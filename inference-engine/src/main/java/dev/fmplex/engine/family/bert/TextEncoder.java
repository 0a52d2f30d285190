package dev.fmplex.engine.family.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.text.TokenBatch;

/**
 * A text backbone's forward pass: token ids in, last hidden states out.
 *
 * <p>Kept this small so another execution path (for example ONNX Runtime for rows that need no
 * in-backbone change) can slot in beside the native one.
 */
interface TextEncoder {

    /**
     * Runs the encoder over {@code batch}.
     *
     * @param manager the per-batch manager that owns every array created
     * @return hidden states of shape {@code [rows, length, hidden]}
     */
    NDArray encode(NDManager manager, TokenBatch batch);
}
