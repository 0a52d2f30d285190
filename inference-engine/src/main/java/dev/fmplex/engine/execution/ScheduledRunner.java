package dev.fmplex.engine.execution;

import dev.fmplex.engine.scheduler.FairScheduler;
import dev.fmplex.engine.scheduler.Outcome;
import dev.fmplex.engine.scheduler.Work;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.api.TaskOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge from a scheduled batch to the mixed-task executor: the requests' rows run as ONE
 * forward pass, or, when a single oversized request exceeds the token budget on its own, as several
 * passes of at most the budget. Each request gets all of its outputs, or fails alone when its vFM
 * failed.
 */
public final class ScheduledRunner
        implements FairScheduler.Runner<InferencePayload, List<TaskOutput>> {

    private final BackboneRuntime runtime;
    private final int maxBatchTokens;

    public ScheduledRunner(BackboneRuntime runtime, int maxBatchTokens) {
        this.runtime = runtime;
        this.maxBatchTokens = maxBatchTokens;
    }

    @Override
    public List<Outcome<List<TaskOutput>>> run(List<Work<InferencePayload>> batch) {
        List<BatchRow> rows = new ArrayList<>();
        List<EncodedText> widths = new ArrayList<>();
        for (Work<InferencePayload> work : batch) {
            InferencePayload payload = work.payload();
            for (EncodedText text : payload.rows()) {
                rows.add(new BatchRow(payload.model(), text));
                // Planning counts virtual tokens too: they widen the row like real ones.
                widths.add(
                        new EncodedText(
                                new long[payload.model().promptLength() + text.ids().length], 0));
            }
        }
        RowResult[] results = new RowResult[rows.size()];
        for (List<Integer> pass : MicroBatches.plan(widths, maxBatchTokens)) {
            BatchResult result = runtime.execute(pass.stream().map(rows::get).toList());
            for (int k = 0; k < pass.size(); k++) {
                results[pass.get(k)] = result.results().get(k);
            }
        }
        List<Outcome<List<TaskOutput>>> outcomes = new ArrayList<>(batch.size());
        int next = 0;
        for (Work<InferencePayload> work : batch) {
            List<TaskOutput> outputs = new ArrayList<>(work.rows());
            RowResult.Failure failure = null;
            for (int i = 0; i < work.rows(); i++) {
                RowResult row = results[next++];
                if (row instanceof RowResult.Failure failed) {
                    failure = failed;
                } else {
                    outputs.add(((RowResult.Success) row).output());
                }
            }
            outcomes.add(
                    failure == null
                            ? new Outcome.Done<>(outputs)
                            : new Outcome.Failed<>(
                                    new VfmExecutionException(
                                            work.vfmId(),
                                            work.payload().model().version(),
                                            failure.reason())));
        }
        return outcomes;
    }
}
