package dev.fmplex.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.head.EmbeddingHead;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.family.bert.BertConfig;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.family.bert.BundledMiniLm;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.task.EmbeddingTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batches mixing 16 distinct LoRA vFMs vs batches of one LoRA vFM with the same rows and lengths
 * (and, for reference, the same rows with no adapter), interleaved in one JVM; plus the resident
 * bytes of one LoRA vFM vs a full copy of the backbone.
 */
public final class MixedLoraBench {

    private static final int ADAPTERS = 16;
    private static final int RANK = 8;
    private static final String[] SENTENCES = BenchTexts.SENTENCES;

    private MixedLoraBench() {}

    public static void main(String[] args) throws Exception {
        // Nothing may leave the machine, however the bench is started (DJL looks up a cloud
        // metadata address unless told it is offline): set before any DJL class loads.
        System.setProperty("ai.djl.offline", "true");
        String[] options = String.join(" ", args).trim().split("\\s+");
        int iterations = options[0].isEmpty() ? 40 : Integer.parseInt(options[0]);
        int rounds = options.length > 1 ? Integer.parseInt(options[1]) : 5;
        ExecutionPath execution =
                options.length > 2 ? ExecutionPath.fromName(options[2]) : ExecutionPath.EAGER;
        int rowsPerBatch = 32;
        int cores = Runtime.getRuntime().availableProcessors();
        try (BertServedBackbone runtime =
                BundledMiniLm.load(new BackboneLoadOptions(Device.cpu(), 256, execution, cores))) {
            List<VfmModel> adapters = new ArrayList<>();
            for (int k = 0; k < ADAPTERS; k++) {
                adapters.add(loraVfm(runtime, "lora-" + k, k));
            }
            VfmModel plain =
                    new VfmModel(
                            "plain",
                            1,
                            new EmbeddingTask(null, null),
                            6,
                            null,
                            null,
                            new EmbeddingHead(true),
                            runtime.root().newSubManager());
            List<EncodedText> texts = new ArrayList<>();
            for (int i = 0; i < rowsPerBatch; i++) {
                texts.add(
                        runtime.tokenizer()
                                .encode(SENTENCES[i % SENTENCES.length] + " (case " + i + ")"));
            }
            List<BatchRow> mixed = new ArrayList<>();
            List<BatchRow> single = new ArrayList<>();
            List<BatchRow> none = new ArrayList<>();
            for (int i = 0; i < rowsPerBatch; i++) {
                mixed.add(new BatchRow(adapters.get(i % ADAPTERS), texts.get(i)));
                single.add(new BatchRow(adapters.get(0), texts.get(i)));
                none.add(new BatchRow(plain, texts.get(i)));
            }
            progress("warm-up");
            for (int i = 0; i < 5; i++) {
                runtime.execute(mixed);
                runtime.execute(single);
                runtime.execute(none);
            }
            double[] mixedRate = new double[rounds];
            double[] singleRate = new double[rounds];
            double[] noneRate = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                mixedRate[round] = rate(runtime, mixed, iterations);
                singleRate[round] = rate(runtime, single, iterations);
                noneRate[round] = rate(runtime, none, iterations);
                progress(
                        "round "
                                + (round + 1)
                                + "/"
                                + rounds
                                + ": mixed "
                                + (int) mixedRate[round]
                                + ", single "
                                + (int) singleRate[round]
                                + ", no adapter "
                                + (int) noneRate[round]
                                + " rows/s");
            }
            long backboneBytes = runtime.descriptor().parameterBytes();
            long adapterBytes = adapters.get(0).residentBytes();
            String report =
                    report(
                            median(mixedRate),
                            median(singleRate),
                            median(noneRate),
                            execution,
                            backboneBytes,
                            adapterBytes,
                            rowsPerBatch,
                            iterations,
                            rounds);
            System.out.println(report);
            Path out = Path.of("target", "mixed-lora.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            progress("report written to " + out.toAbsolutePath());
        }
    }

    /**
     * A LoRA vFM (r=8 on query and value of every layer) with random weights, as PEFT would load.
     */
    private static VfmModel loraVfm(BertServedBackbone runtime, String id, int seed) {
        BertConfig config = runtime.config();
        NDManager manager = runtime.root().newSubManager();
        manager.getEngine().setRandomSeed(seed);
        return new VfmModel(
                id,
                1,
                new EmbeddingTask(null, null),
                config.layers(),
                RandomLora.onQueryAndValue(config, manager, RANK),
                null,
                new EmbeddingHead(true),
                manager);
    }

    private static double rate(BertServedBackbone runtime, List<BatchRow> batch, int iterations) {
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            runtime.execute(batch);
        }
        return batch.size() * iterations / ((System.nanoTime() - start) / 1e9);
    }

    private static String report(
            double mixed,
            double single,
            double none,
            ExecutionPath execution,
            long backboneBytes,
            long adapterBytes,
            int rows,
            int iterations,
            int rounds) {
        return "### Mixed-task LoRA batches (issue 3)\n\n"
                + MachineInfo.describe(
                        execution.settingName()
                                + " execution, intra-op threads = cores, one executing thread")
                + "\n\n"
                + String.format(
                        "Batches of %d rows (~20 tokens each), %d batches per measurement, median of %d"
                                + " interleaved rounds; LoRA r=%d on query and value of all 6 layers.%n%n",
                        rows, iterations, rounds, RANK)
                + "| batch | rows/s | vs single-vFM batches |\n|---|---|---|\n"
                + String.format(
                        "| %d distinct LoRA vFMs mixed | %.1f | %.2fx |%n",
                        ADAPTERS, mixed, mixed / single)
                + String.format("| one LoRA vFM (same rows and lengths) | %.1f | 1.00x |%n", single)
                + String.format("| no adapter (same rows) | %.1f | %.2fx |%n", none, none / single)
                + "\n| memory | bytes | ratio |\n|---|---|---|\n"
                + String.format("| backbone (fp32, loaded once) | %,d | 1 |%n", backboneBytes)
                + String.format(
                        "| one LoRA vFM (its own tensors) | %,d | %.4f of the backbone (%.0fx smaller) |%n",
                        adapterBytes,
                        adapterBytes / (double) backboneBytes,
                        backboneBytes / (double) adapterBytes);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void progress(String message) {
        System.err.println("[bench] " + message);
    }
}
