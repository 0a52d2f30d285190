package dev.fmplex.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.fmplex.engine.execution.InferencePayload;
import dev.fmplex.engine.execution.ScheduledRunner;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.head.EmbeddingHead;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.family.bert.BundledMiniLm;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.task.EmbeddingTask;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fairness on the real MiniLM backbone with real, measured batch times: three saturated vFMs with
 * weights 1:2:4 (and different input lengths) get shares of measured execution time within 15% of
 * 1/7, 2/7 and 4/7.
 */
class RealBackboneFairnessTest {

    @Test
    void measuredTimeSharesFollowTheWeights() throws Exception {
        try (BertServedBackbone runtime = BundledMiniLm.load(Device.cpu(), 256)) {
            Map<String, Double> weights = Map.of("one", 1.0, "two", 2.0, "four", 4.0);
            Map<String, String> texts =
                    Map.of(
                            "one",
                                    "a longer input about the weather in the mountains during a cold and windy winter",
                            "two", "a short input",
                            "four", "an input of medium length about shipping");
            Map<String, VfmModel> models = new java.util.HashMap<>();
            for (String id : weights.keySet()) {
                models.put(
                        id,
                        new VfmModel(
                                id,
                                1,
                                new EmbeddingTask(null, null),
                                6,
                                null,
                                null,
                                new EmbeddingHead(true),
                                runtime.root().newSubManager()));
            }
            FairScheduler<InferencePayload, List<TaskOutput>> scheduler =
                    FairScheduler.<InferencePayload, List<TaskOutput>>builder()
                            .setRunner(new ScheduledRunner(runtime, 2048))
                            .optMaxBatchRows(16)
                            .optQueueCapacity(1000)
                            .build();
            int step = 0;
            for (; step < 120; step++) {
                for (String id : weights.keySet()) {
                    var stats = scheduler.stats().vfms().get(id);
                    int queued = stats == null ? 0 : stats.queuedRequests();
                    for (int i = queued; i < 24; i++) {
                        // Distinct texts per request: no backbone row is shared between vFMs.
                        EncodedText text =
                                runtime.tokenizer().encode(texts.get(id) + " #" + step + "." + i);
                        scheduler.submit(
                                new InferencePayload(models.get(id), List.of(text)).toWork(),
                                weights.get(id),
                                System.nanoTime() + java.util.concurrent.TimeUnit.HOURS.toNanos(1));
                    }
                }
                scheduler.step();
            }
            var stats = scheduler.stats().vfms();
            double total =
                    stats.values().stream()
                            .mapToDouble(SchedulerStats.VfmQueueStats::completedCostMs)
                            .sum();
            StringBuilder shares = new StringBuilder();
            for (String id : weights.keySet()) {
                double share = stats.get(id).completedCostMs() / total;
                double expected = weights.get(id) / 7.0;
                shares.append(String.format("%s %.3f (target %.3f) ", id, share, expected));
                assertThat(share)
                        .as("measured-time share of %s", id)
                        .isBetween(expected * 0.85, expected * 1.15);
            }
            System.out.println("real-backbone fairness over " + step + " batches: " + shares);
            scheduler.close();
            models.values().forEach(VfmModel::release);
        }
    }
}
