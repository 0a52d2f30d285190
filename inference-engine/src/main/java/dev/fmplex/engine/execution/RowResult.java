package dev.fmplex.engine.execution;

import dev.fmplex.model.api.TaskOutput;

/** What one row of a batch produced: an output, or the reason its vFM failed. */
public sealed interface RowResult {

    record Success(TaskOutput output) implements RowResult {}

    /** The row's vFM failed (its head threw or produced NaN); other vFMs are unaffected. */
    record Failure(String vfmId, String reason) implements RowResult {}
}
