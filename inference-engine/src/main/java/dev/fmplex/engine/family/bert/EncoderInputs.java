package dev.fmplex.engine.family.bert;

import ai.djl.ndarray.NDArray;

/**
 * The tensors of one forward pass, all of shape {@code [rows, length]} and owned by the batch's
 * manager.
 *
 * @param ids token ids; positions that hold a virtual token carry any valid id (it is replaced)
 * @param prompts soft-prompt placement, or null when no row of the batch has a prompt
 */
record EncoderInputs(NDArray ids, NDArray typeIds, NDArray attentionMask, PromptInputs prompts) {

    /**
     * Where virtual tokens go: {@code slots [rows, length, 1]} is true at virtual-token positions,
     * and there {@code index [rows, length]} selects a row of {@code table [prompt rows, hidden]}.
     */
    public record PromptInputs(NDArray slots, NDArray index, NDArray table) {}
}
