package dev.fmplex.engine.input;

/**
 * One checked, converted input of any modality, as the scheduler and the executors carry it.
 *
 * <p>Each backbone family has its own implementation (tokenized text, preprocessed image); the
 * executor of that family is the only code that looks inside.
 */
public interface ModelInput {

    /**
     * The sequence positions the backbone runs for this input: tokens with special tokens for text,
     * patches plus the class token for an image. Batches are budgeted and planned in these units,
     * so a family's cost reaches the scheduler without the scheduler knowing the family.
     */
    int units();

    /**
     * The value identity of what the backbone computes on for this input. Rows of vFMs that leave
     * the backbone unchanged and whose inputs have equal keys share one backbone row (see {@code
     * SharedRows}).
     */
    ContentKey contentKey();
}
