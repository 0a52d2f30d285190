package dev.fmplex.engine.execution;

import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.scheduler.Work;
import dev.fmplex.engine.text.EncodedText;
import java.util.List;

/** One request's inputs for one vFM version, as the scheduler carries it to the executor. */
public record InferencePayload(VfmModel model, List<EncodedText> rows) {

    /** The scheduler's view: rows and the padded length they need (virtual tokens included). */
    public Work<InferencePayload> toWork() {
        int longest = rows.stream().mapToInt(text -> text.ids().length).max().orElse(0);
        return new Work<>(model.vfmId(), this, rows.size(), model.promptLength() + longest);
    }
}
