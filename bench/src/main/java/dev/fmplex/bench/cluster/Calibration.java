package dev.fmplex.bench.cluster;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.execution.BackboneLoading;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.family.bert.BertConfig;
import dev.fmplex.engine.family.bert.BertParameterNames;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.family.bert.BundledMiniLm;
import dev.fmplex.engine.nn.IntraOpThreads;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.engine.text.TextTokenizer;
import dev.fmplex.model.task.EmbeddingTask;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Measures real forward batches on this machine, on one intra-op thread as an executor lane runs
 * them: the bundled MiniLM, and a BERT-base-shaped encoder (12 layers, hidden 768) with random
 * weights, which costs what bert-base does. Also measures how much two lanes running at once slow
 * each other down (shared caches and memory bandwidth).
 */
final class Calibration {

    /** What was measured. */
    record Result(List<BatchCostModel.Sample> samples, double concurrentSlowdown) {

        List<BatchCostModel.Sample> of(BackboneProfile backbone) {
            return samples.stream().filter(s -> s.backbone() == backbone).toList();
        }

        /** The measurements as CSV, so a later run can simulate again without measuring. */
        String csv() {
            StringBuilder csv = new StringBuilder("backbone,rows,padded,ms\n");
            csv.append(
                    String.format(
                            Locale.ROOT, "two-lanes-slowdown,0,0,%.4f%n", concurrentSlowdown));
            for (BatchCostModel.Sample s : samples) {
                csv.append(
                        String.format(
                                Locale.ROOT,
                                "%s,%d,%d,%.3f%n",
                                s.backbone().name(),
                                s.rows(),
                                s.padded(),
                                s.ms()));
            }
            return csv.toString();
        }

        static Result parse(List<String> lines) {
            List<BatchCostModel.Sample> samples = new ArrayList<>();
            double slowdown = 1;
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                if (f[0].equals("two-lanes-slowdown")) {
                    slowdown = Double.parseDouble(f[3]);
                    continue;
                }
                BackboneProfile backbone =
                        BackboneProfile.CATALOG.stream()
                                .filter(b -> b.name().equals(f[0]))
                                .findFirst()
                                .orElseThrow(
                                        () ->
                                                new IllegalArgumentException(
                                                        "unknown backbone " + f[0]));
                samples.add(
                        new BatchCostModel.Sample(
                                backbone,
                                Integer.parseInt(f[1]),
                                Integer.parseInt(f[2]),
                                Double.parseDouble(f[3])));
            }
            return new Result(samples, slowdown);
        }
    }

    /** Batch shapes measured: (rows, padded tokens). */
    record Grid(List<int[]> minilm, List<int[]> bertBase, int repetitions) {

        static Grid full() {
            List<int[]> minilm = new ArrayList<>();
            for (int rows : new int[] {1, 2, 4, 8, 16, 32}) {
                for (int padded : new int[] {16, 32, 64, 128}) {
                    if (rows * padded <= 2048) {
                        minilm.add(new int[] {rows, padded});
                    }
                }
            }
            List<int[]> bert =
                    List.of(
                            new int[] {1, 16},
                            new int[] {1, 64},
                            new int[] {1, 128},
                            new int[] {4, 16},
                            new int[] {4, 64},
                            new int[] {16, 16},
                            new int[] {16, 64});
            return new Grid(minilm, bert, 5);
        }

        static Grid smoke() {
            return new Grid(
                    List.of(new int[] {1, 16}, new int[] {4, 32}, new int[] {8, 16}),
                    List.of(new int[] {1, 16}, new int[] {2, 16}),
                    1);
        }
    }

    private static final BertConfig BERT_BASE_CONFIG =
            new BertConfig(30522, 768, 12, 12, 3072, 512, 2, 1e-12f);
    private static final EmbeddingTask MEAN = new EmbeddingTask(null, false);

    /**
     * The path calibrated: {@code -Dbench.execution=auto|eager|onnxruntime}, default {@code auto}
     * (onnxruntime on the CPU), as the worker defaults.
     */
    static final ExecutionPath EXECUTION =
            ExecutionPath.forSetting(
                    System.getProperty("bench.execution", ExecutionPath.AUTO), Device.cpu());

    private Calibration() {}

    static Result measure(Grid grid) throws IOException, WeightLoadException, InterruptedException {
        IntraOpThreads.setForThisThread(1);
        List<BatchCostModel.Sample> samples = new ArrayList<>();
        try (BertServedBackbone minilm =
                BundledMiniLm.load(new BackboneLoadOptions(Device.cpu(), 512, EXECUTION, 1))) {
            for (int[] shape : grid.minilm()) {
                samples.add(time(minilm, BackboneProfile.MINILM, shape, grid.repetitions()));
            }
            double slowdown = concurrentSlowdown(minilm, grid.repetitions());
            try (BertServedBackbone bert = randomBertBase()) {
                for (int[] shape : grid.bertBase()) {
                    samples.add(
                            time(
                                    bert,
                                    BackboneProfile.BERT_BASE,
                                    shape,
                                    Math.max(1, grid.repetitions() - 2)));
                }
            }
            return new Result(samples, slowdown);
        } finally {
            IntraOpThreads.setForThisThread(Runtime.getRuntime().availableProcessors());
        }
    }

    /** Median milliseconds of one batch of the shape, after one untimed warm-up. */
    private static BatchCostModel.Sample time(
            BertServedBackbone runtime, BackboneProfile profile, int[] shape, int repetitions) {
        List<EncodedText> rows = rows(shape[0], shape[1]);
        runtime.embed(rows, MEAN);
        double[] ms = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            runtime.embed(rows, MEAN);
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        ClusterSimulatorBench.progress(
                String.format(
                        "calibration %-18s %2d rows x %3d tokens: %.1f ms",
                        profile.name(), shape[0], shape[1], ms[repetitions / 2]));
        return new BatchCostModel.Sample(profile, shape[0], shape[1], ms[repetitions / 2]);
    }

    /**
     * Time of a mid-size MiniLM batch when another lane runs the same batch at the same moment,
     * over its time alone.
     */
    private static double concurrentSlowdown(BertServedBackbone runtime, int repetitions)
            throws InterruptedException {
        List<EncodedText> rows = rows(8, 32);
        double alone = medianMs(runtime, rows, repetitions);
        double[] together = new double[2];
        // Both lanes warm up, then meet here, so that their timed batches really overlap.
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < 2; lane++) {
            int index = lane;
            lanes.add(
                    CompletableFuture.runAsync(
                            () -> {
                                IntraOpThreads.setForThisThread(1);
                                runtime.embed(rows, MEAN);
                                try {
                                    start.await(1, TimeUnit.MINUTES);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    return;
                                } catch (BrokenBarrierException | TimeoutException e) {
                                    // The other lane failed: its error surfaces through join().
                                    return;
                                }
                                together[index] = medianMs(runtime, rows, repetitions);
                            },
                            command -> new Thread(command, "calibration-lane-" + index).start()));
        }
        lanes.forEach(CompletableFuture::join);
        double slowdown = (together[0] + together[1]) / 2 / alone;
        ClusterSimulatorBench.progress(
                String.format(
                        "calibration two lanes at once: %.1f ms vs %.1f ms alone (x%.2f)",
                        (together[0] + together[1]) / 2, alone, slowdown));
        return slowdown;
    }

    private static double medianMs(BertServedBackbone runtime, List<EncodedText> rows, int n) {
        double[] ms = new double[Math.max(3, n)];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            runtime.embed(rows, MEAN);
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    /**
     * The bundled vocabulary (BERT's, 30,522 word pieces) for the BERT-shaped runtime; its own
     * instance, because a runtime closes its tokenizer when it closes.
     */
    private static TextTokenizer ownTokenizer() throws IOException {
        try (InputStream json =
                Calibration.class
                        .getClassLoader()
                        .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            if (json == null) {
                throw new IOException("all-minilm-l6-v2-tokenizer.json not on the classpath");
            }
            return TextTokenizer.fromJson(json, 512);
        }
    }

    /** {@code count} rows of exactly {@code length} tokens: [CLS], random word pieces, [SEP]. */
    private static List<EncodedText> rows(int count, int length) {
        Random random = new Random(count * 1000L + length);
        List<EncodedText> rows = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            long[] ids = new long[length];
            ids[0] = 101;
            for (int i = 1; i < length - 1; i++) {
                ids[i] = 1000 + random.nextInt(20000);
            }
            ids[length - 1] = 102;
            rows.add(new EncodedText(ids, length));
        }
        return rows;
    }

    /**
     * A BERT-base-shaped encoder with random weights (the costs of a forward do not depend on
     * them).
     */
    private static BertServedBackbone randomBertBase() throws WeightLoadException, IOException {
        NDManager root = BackboneLoading.newRootManager(Device.cpu());
        try {
            NDManager weightsManager = BackboneLoading.newWeightsManager(root);
            weightsManager.getEngine().setRandomSeed(7);
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> entry :
                    BertParameterNames.expectedShapes(BERT_BASE_CONFIG).entrySet()) {
                arrays.put(
                        entry.getKey(),
                        weightsManager.randomNormal(
                                0, 0.02f, new Shape(entry.getValue()), DataType.FLOAT32));
            }
            return BertServedBackbone.create(
                    "bert-base-shaped",
                    BertParameterNames.parameters(BERT_BASE_CONFIG, arrays),
                    ownTokenizer(),
                    weightsManager,
                    root,
                    EXECUTION,
                    1);
        } catch (WeightLoadException | RuntimeException e) {
            root.close();
            throw e;
        }
    }
}
