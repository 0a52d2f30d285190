package dev.fmplex.engine.execution;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.task.TaskSpec;
import java.util.List;

/**
 * A loaded backbone of any family, as a worker hosts it: what it is, how a request's inputs become
 * model inputs, how vFM files are checked against it, and how a mixed batch runs on it.
 *
 * <p>A worker needs nothing else from a family, so a new family (text, vision, time series) plugs
 * into the same scheduler, registry and API.
 */
public interface ServedBackbone extends AutoCloseable {

    BackboneDescriptor descriptor();

    /** The family's {@code lora} recipe on this backbone; empty for a family that has none. */
    default java.util.Optional<dev.fmplex.engine.training.LoraTraining> loraTraining() {
        return java.util.Optional.empty();
    }

    /** The parent of every vFM version's manager: versions live beside batches, under the root. */
    NDManager root();

    /** Validates uploaded vFM files against this backbone. */
    VfmImporter importer();

    /**
     * Checks and converts a request's inputs (tokenizing, decoding, preprocessing); blocking, so
     * call it off the event loop.
     *
     * @param task the task of the vFM the inputs are for: its policies (missing values in a series)
     *     apply
     * @param maxInputs the most inputs this request may carry
     * @throws dev.fmplex.engine.input.InvalidInputException naming the first offending input and
     *     limit
     */
    List<ModelInput> prepare(InferRequest request, TaskSpec task, int maxInputs);

    /**
     * Checks that inputs prepared for one vFM suit another vFM's task too: a fan-out prepares its
     * inputs once for all of its vFMs. Families whose tasks accept every input they prepare keep
     * this default.
     *
     * @throws dev.fmplex.engine.input.InvalidInputException naming the first input the task cannot
     *     take
     */
    default void requireServable(List<ModelInput> inputs, TaskSpec task) {}

    /** Runs rows of any vFMs of this backbone, inputs of its own modality, in one forward pass. */
    BatchResult execute(List<BatchRow> rows);

    /**
     * What one more forward pass costs, in the family's unit of work; {@link ScheduledRunner}
     * weighs it against padding when it splits a batch.
     */
    int passOverheadUnits();

    @Override
    void close();
}
