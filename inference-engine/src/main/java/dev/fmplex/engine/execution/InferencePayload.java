package dev.fmplex.engine.execution;

import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.scheduler.Work;
import java.util.List;

/** One request's inputs for one vFM version, as the scheduler carries it to the executor. */
public record InferencePayload(VfmModel model, List<? extends ModelInput> rows) {

    /**
     * The scheduler's view: rows and the padded positions each needs, in the family's unit of work
     * ({@link ModelInput#units()}), virtual tokens included.
     */
    public Work<InferencePayload> toWork() {
        int longest = rows.stream().mapToInt(ModelInput::units).max().orElse(0);
        return new Work<>(model.vfmId(), this, rows.size(), model.promptLength() + longest);
    }
}
