package dev.fmplex.engine.execution;

import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.model.api.TaskOutput;
import java.util.List;
import java.util.function.Supplier;

/** Runs one vFM's head on its rows of a batch, isolating a failing head to those rows. */
public final class HeadOutputs {

    private HeadOutputs() {}

    /**
     * Stores the head's outputs, or, when it throws (including on non-finite outputs), the reason
     * as every one of the vFM's rows' failure: other vFMs in the batch are unaffected.
     *
     * @param rowIndices the vFM's rows, in batch order
     * @param outputs computes the vFM's outputs for those rows, in the same order
     */
    public static void store(
            VfmModel vfm,
            List<Integer> rowIndices,
            Supplier<List<TaskOutput>> outputs,
            RowResult[] results) {
        try {
            List<TaskOutput> computed = outputs.get();
            for (int k = 0; k < rowIndices.size(); k++) {
                results[rowIndices.get(k)] = new RowResult.Success(computed.get(k));
            }
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            for (int i : rowIndices) {
                results[i] = new RowResult.Failure(vfm.vfmId(), reason);
            }
        }
    }
}
