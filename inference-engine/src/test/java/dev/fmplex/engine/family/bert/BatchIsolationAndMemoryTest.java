package dev.fmplex.engine.family.bert;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.RowResult;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.api.ClassificationOutput;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Invariants 3 and 4 of DESIGN.md: a failing vFM fails alone; batches leave nothing behind. */
class BatchIsolationAndMemoryTest extends TinyBackboneTest {

    @Override
    protected long seed() {
        return 5;
    }

    @Test
    void aHeadThatYieldsNaNFailsOnlyItsOwnRows() throws Exception {
        Random random = new Random(3);
        RandomVfm healthy =
                RandomVfm.builder(
                                "healthy",
                                new ClassificationTask(List.of("a", "b"), false, null, null),
                                CONFIG)
                        .lora(4, 8, Projection.QUERY)
                        .head(RandomVfm.HeadKind.LINEAR)
                        .build(random);
        RandomVfm exploding =
                RandomVfm.builder(
                                "exploding",
                                new ClassificationTask(List.of("a", "b"), false, null, null),
                                CONFIG)
                        .head(RandomVfm.HeadKind.LINEAR)
                        .build(random);
        // Finite weights whose logits overflow to infinity: softmax gives NaN at run time.
        float[] huge = exploding.head.get("classifier.weight").values();
        for (int i = 0; i < huge.length; i++) {
            huge[i] = (i % 2 == 0 ? 1 : -1) * 3e38f;
        }
        VfmModel good = importer.load("healthy", 1, healthy.task, healthy.files(), root);
        VfmModel bad = importer.load("exploding", 1, exploding.task, exploding.files(), root);
        EncodedText text = new EncodedText(new long[] {1, 7, 9, 2}, 4);
        EncodedText other = new EncodedText(new long[] {1, 30, 2}, 3);

        BatchResult mixed =
                executor.execute(
                        List.of(
                                new BatchRow(bad, text),
                                new BatchRow(good, text),
                                new BatchRow(bad, other),
                                new BatchRow(good, other)));
        BatchResult alone =
                executor.execute(List.of(new BatchRow(good, text), new BatchRow(good, other)));

        assertThat(mixed.results().get(0))
                .isInstanceOfSatisfying(
                        RowResult.Failure.class,
                        failure -> {
                            assertThat(failure.vfmId()).isEqualTo("exploding");
                            assertThat(failure.reason()).contains("non-finite");
                        });
        assertThat(mixed.results().get(2)).isInstanceOf(RowResult.Failure.class);
        for (int k : new int[] {1, 3}) {
            ClassificationOutput got =
                    (ClassificationOutput) ((RowResult.Success) mixed.results().get(k)).output();
            ClassificationOutput expected =
                    (ClassificationOutput)
                            ((RowResult.Success) alone.results().get(k / 2)).output();
            assertThat(got.scores().get("a"))
                    .isCloseTo(
                            expected.scores().get("a"), org.assertj.core.data.Offset.offset(1e-6));
        }
        good.release();
        bad.release();
    }

    @Test
    void aHeadThatThrowsFailsOnlyItsOwnRows() throws Exception {
        Random random = new Random(5);
        RandomVfm healthy =
                RandomVfm.builder(
                                "healthy",
                                new ClassificationTask(List.of("a", "b"), false, null, null),
                                CONFIG)
                        .lora(2, 4, Projection.VALUE)
                        .head(RandomVfm.HeadKind.LINEAR)
                        .build(random);
        VfmModel good = importer.load("healthy", 1, healthy.task, healthy.files(), root);
        // Built past the importer, which would refuse it: a head 8 wide on a 16-wide backbone
        // throws inside the batch, as a head with a bug would.
        NDManager brokenManager = root.newSubManager();
        VfmModel throwing =
                new VfmModel(
                        "throwing",
                        1,
                        new ClassificationTask(List.of("a", "b"), false, null, null),
                        CONFIG.layers(),
                        null,
                        null,
                        new dev.fmplex.engine.extension.head.LinearClassifierHead(
                                brokenManager.ones(new ai.djl.ndarray.types.Shape(2, 8)),
                                brokenManager.zeros(new ai.djl.ndarray.types.Shape(2)),
                                List.of("a", "b"),
                                false),
                        brokenManager);
        EncodedText text = new EncodedText(new long[] {1, 7, 9, 2}, 4);

        BatchResult mixed =
                executor.execute(
                        List.of(
                                new BatchRow(throwing, text),
                                new BatchRow(good, text),
                                new BatchRow(throwing, text)));
        BatchResult alone = executor.execute(List.of(new BatchRow(good, text)));

        assertThat(mixed.results().get(0))
                .isInstanceOfSatisfying(
                        RowResult.Failure.class,
                        failure -> assertThat(failure.vfmId()).isEqualTo("throwing"));
        assertThat(mixed.results().get(2)).isInstanceOf(RowResult.Failure.class);
        ClassificationOutput got =
                (ClassificationOutput) ((RowResult.Success) mixed.results().get(1)).output();
        ClassificationOutput expected =
                (ClassificationOutput) ((RowResult.Success) alone.results().get(0)).output();
        assertThat(got.scores().get("a"))
                .isCloseTo(expected.scores().get("a"), org.assertj.core.data.Offset.offset(1e-6));
        good.release();
        throwing.release();
    }

    @Test
    void severalHeadsOverOneTextShareOneBackboneRow() throws Exception {
        Random random = new Random(21);
        List<VfmModel> models = new ArrayList<>();
        for (RandomVfm vfm :
                List.of(
                        RandomVfm.builder(
                                        "sentiment",
                                        new ClassificationTask(
                                                List.of("a", "b"), false, null, null),
                                        CONFIG)
                                .head(RandomVfm.HeadKind.LINEAR)
                                .build(random),
                        RandomVfm.builder(
                                        "score",
                                        new dev.fmplex.model.task.RegressionTask(Pooling.MEAN, 1),
                                        CONFIG)
                                .head(RandomVfm.HeadKind.LINEAR)
                                .build(random),
                        RandomVfm.builder("embed", new EmbeddingTask(Pooling.CLS, true), CONFIG)
                                .build(random),
                        RandomVfm.builder("adapted", new EmbeddingTask(Pooling.MEAN, true), CONFIG)
                                .lora(2, 4, Projection.VALUE)
                                .build(random))) {
            models.add(importer.load(vfm.id, 1, vfm.task, vfm.files(), root));
        }
        EncodedText text = new EncodedText(new long[] {1, 11, 12, 13, 2}, 5);
        List<BatchRow> rows = models.stream().map(model -> new BatchRow(model, text)).toList();

        BatchResult shared = executor.execute(rows);

        // Three plain vFMs share one backbone row; the LoRA vFM needs its own.
        assertThat(shared.backboneRows()).isEqualTo(2);
        assertThat(shared.tasks()).isEqualTo(4);
        for (int k = 0; k < rows.size(); k++) {
            RowResult alone = executor.execute(List.of(rows.get(k))).results().get(0);
            // Equal up to fp32 kernel differences between batch shapes (DESIGN.md: 1e-4).
            assertThat(shared.results().get(k))
                    .usingRecursiveComparison()
                    .withComparatorForType(
                            new org.assertj.core.util.DoubleComparator(1e-5), Double.class)
                    .withComparatorForType(
                            new org.assertj.core.util.FloatComparator(1e-5f), Float.class)
                    .isEqualTo(alone);
        }
        models.forEach(VfmModel::release);
    }

    @Test
    void fiveThousandMixedBatchesLeaveNoLiveArraysAndNoNativeGrowth() throws Exception {
        // Wider than TINY so that a leak is far above the noise of resident memory: leaking
        // even one hidden-state array per batch adds more than the limit below.
        BertConfig config = new BertConfig(60, 128, 2, 4, 256, 40, 2, 1e-12f);
        TinyBackbone wide = TinyBackbone.create(config, 5);
        NDManager probeRoot = wide.root();
        BertBatchExecutor probe = wide.executor();
        VfmImporter probeImporter = wide.importer();
        Random random = new Random(8);
        List<VfmModel> models = new ArrayList<>();
        for (RandomVfm vfm :
                List.of(
                        RandomVfm.builder("lora", new EmbeddingTask(Pooling.MEAN, true), config)
                                .lora(4, 8, Projection.QUERY, Projection.OUTPUT)
                                .build(random),
                        RandomVfm.builder("lora2", new EmbeddingTask(Pooling.MAX, true), config)
                                .lora(2, 4, Projection.QUERY)
                                .build(random),
                        RandomVfm.builder(
                                        "prompt",
                                        new ClassificationTask(
                                                List.of("x", "y"), false, null, null),
                                        config)
                                .prompt(3)
                                .head(RandomVfm.HeadKind.MLP)
                                .build(random),
                        RandomVfm.builder("plain", new EmbeddingTask(Pooling.CLS, false, 1), config)
                                .build(random))) {
            models.add(probeImporter.load(vfm.id, 1, vfm.task, vfm.files(), probeRoot));
        }
        int rootArrays = probeRoot.getManagedArrays().size();
        int rowsPerBatch = 8;
        int minTokens = 16;
        List<List<BatchRow>> batches = new ArrayList<>();
        for (int b = 0; b < 16; b++) {
            List<BatchRow> rows = new ArrayList<>();
            for (int r = 0; r < rowsPerBatch; r++) {
                long[] ids = new long[minTokens + random.nextInt(18)];
                ids[0] = 1;
                ids[ids.length - 1] = 2;
                for (int t = 1; t < ids.length - 1; t++) {
                    ids[t] = 3 + random.nextInt(50);
                }
                rows.add(
                        new BatchRow(
                                models.get((b + r) % models.size()),
                                new EncodedText(ids, ids.length)));
            }
            batches.add(rows);
        }

        // RSS swings by tens of MB as the allocator caches and returns memory, so compare the
        // lowest reading of an early window with the lowest of a late one: a leak lifts the floor.
        long earlyFloor = Long.MAX_VALUE;
        long lateFloor = Long.MAX_VALUE;
        for (int i = 1; i <= 5000; i++) {
            BatchResult result = probe.execute(batches.get(i % batches.size()));
            assertThat(result.results()).allMatch(RowResult.Success.class::isInstance);
            if (i % 250 == 0 && i >= 1000 && i <= 2000) {
                earlyFloor = Math.min(earlyFloor, nativeBytes());
            } else if (i % 250 == 0 && i >= 4000) {
                lateFloor = Math.min(lateFloor, nativeBytes());
            }
        }
        long growth = lateFloor - earlyFloor;
        // Between the windows run at least 2,000 batches; the smallest array a batch makes beyond
        // its inputs is one hidden state (rows x tokens x hidden floats). Leaking one per batch
        // would add 2,000 of them; half of that is the limit.
        long smallestHiddenState = (long) rowsPerBatch * minTokens * config.hiddenSize() * 4;
        long limit = 2000 * smallestHiddenState / 2;

        assertThat(probeRoot.getManagedArrays())
                .as("arrays alive under the backbone's root")
                .hasSize(rootArrays);
        System.out.printf(
                "5000 batches: live arrays %d (unchanged), native floor %d KB -> %d KB (%+d KB,"
                        + " limit %d KB)%n",
                probeRoot.getManagedArrays().size(),
                earlyFloor / 1024,
                lateFloor / 1024,
                growth / 1024,
                limit / 1024);
        assertThat(growth)
                .as("growth of the native memory floor, batches 1000-2000 vs 4000-5000")
                .isLessThan(limit);
        models.forEach(VfmModel::release);
        wide.close();
    }

    /** Resident memory outside the Java heap and the JVM's own non-heap pools. */
    private static long nativeBytes() throws IOException {
        System.gc();
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        var memory = ManagementFactory.getMemoryMXBean();
        return rss
                - memory.getHeapMemoryUsage().getCommitted()
                - memory.getNonHeapMemoryUsage().getCommitted();
    }
}
