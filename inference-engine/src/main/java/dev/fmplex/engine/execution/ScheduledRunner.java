package dev.fmplex.engine.execution;

import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.scheduler.FairScheduler;
import dev.fmplex.engine.scheduler.Outcome;
import dev.fmplex.engine.scheduler.Work;
import dev.fmplex.model.api.TaskOutput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bridge from a scheduled batch to the mixed-task executor: the requests' rows run as ONE
 * forward pass, or, when a single oversized request exceeds the token budget on its own, as several
 * passes of at most the budget. Each request gets all of its outputs, or fails alone when its vFM
 * failed.
 */
public final class ScheduledRunner
        implements FairScheduler.Runner<InferencePayload, List<TaskOutput>> {

    private final ServedBackbone backbone;
    private final int maxBatchUnits;
    private final int passOverheadUnits;

    /**
     * @param maxBatchUnits most padded positions in one forward pass, in the family's unit of work
     *     (tokens, patches)
     */
    public ScheduledRunner(ServedBackbone backbone, int maxBatchUnits) {
        this.backbone = backbone;
        this.maxBatchUnits = maxBatchUnits;
        this.passOverheadUnits = backbone.passOverheadUnits();
    }

    @Override
    public List<Outcome<List<TaskOutput>>> run(List<Work<InferencePayload>> batch) {
        // The batch holds its own reference to every version it runs: a request's reference can
        // be dropped by a cancel or timeout while its batch is still computing.
        Set<VfmModel> held = Collections.newSetFromMap(new IdentityHashMap<>());
        try {
            List<Work<InferencePayload>> runnable = new ArrayList<>();
            for (Work<InferencePayload> work : batch) {
                VfmModel model = work.payload().model();
                if (held.contains(model) || (model.retain() && held.add(model))) {
                    runnable.add(work);
                }
            }
            Map<Work<InferencePayload>, Outcome<List<TaskOutput>>> byWork = runAll(runnable);
            List<Outcome<List<TaskOutput>>> outcomes = new ArrayList<>(batch.size());
            for (Work<InferencePayload> work : batch) {
                Outcome<List<TaskOutput>> outcome = byWork.get(work);
                outcomes.add(
                        outcome != null
                                ? outcome
                                : new Outcome.Failed<>(
                                        new VfmExecutionException(
                                                work.vfmId(),
                                                work.payload().model().version(),
                                                "the version was unloaded before its batch ran")));
            }
            return outcomes;
        } finally {
            held.forEach(VfmModel::release);
        }
    }

    private Map<Work<InferencePayload>, Outcome<List<TaskOutput>>> runAll(
            List<Work<InferencePayload>> batch) {
        Map<Work<InferencePayload>, Outcome<List<TaskOutput>>> outcomes = new IdentityHashMap<>();
        if (batch.isEmpty()) {
            return outcomes;
        }
        List<BatchRow> rows = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        for (Work<InferencePayload> work : batch) {
            InferencePayload payload = work.payload();
            for (ModelInput input : payload.rows()) {
                rows.add(new BatchRow(payload.model(), input));
                // Planning counts virtual tokens too: they widen the row like real ones.
                widths.add(payload.model().promptLength() + input.units());
            }
        }
        RowResult[] results = new RowResult[rows.size()];
        int[] units = widths.stream().mapToInt(Integer::intValue).toArray();
        for (List<Integer> pass : MicroBatches.planUnits(units, maxBatchUnits, passOverheadUnits)) {
            BatchResult result = backbone.execute(pass.stream().map(rows::get).toList());
            for (int k = 0; k < pass.size(); k++) {
                results[pass.get(k)] = result.results().get(k);
            }
        }
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
            outcomes.put(
                    work,
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
