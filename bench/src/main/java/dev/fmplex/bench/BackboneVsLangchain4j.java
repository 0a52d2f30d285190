package dev.fmplex.bench;

import ai.djl.Device;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.family.bert.BundledMiniLm;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The bundled backbone, FMplex's native encoder vs langchain4j's ONNX Runtime model, interleaved in
 * one JVM: single-sentence latency and the throughput of embedding 256 sentences.
 *
 * <p>Both sides include tokenization, mean pooling and normalization. langchain4j's {@code
 * embedAll} runs one ONNX Runtime call per sentence on its executor (no batching), which is what a
 * Java user of it gets.
 */
public final class BackboneVsLangchain4j {

    /** The worker's default {@code fmplex.worker.max-batch-tokens}. */
    private static final int MAX_BATCH_TOKENS = 2048;

    private static final EmbeddingTask SENTENCE_EMBEDDING = new EmbeddingTask(Pooling.MEAN, true);
    private static final String[] SENTENCES = BenchTexts.SENTENCES;

    private BackboneVsLangchain4j() {}

    public static void main(String[] args) throws Exception {
        // Nothing may leave the machine, however the bench is started (DJL looks up a cloud
        // metadata address unless told it is offline): set before any DJL class loads.
        System.setProperty("ai.djl.offline", "true");
        // exec:exec passes "${bench.args}" as one argument; accept it split or not.
        String[] options = String.join(" ", args).trim().split("\\s+");
        int latencyIterations = options[0].isEmpty() ? 300 : Integer.parseInt(options[0]);
        int rounds = options.length > 1 ? Integer.parseInt(options[1]) : 5;
        ExecutorService pool =
                Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try (BertServedBackbone ours =
                BundledMiniLm.load(Device.cpu(), BundledMiniLm.DEFAULT_MAX_TOKENS)) {
            EmbeddingModel theirs = Langchain4jMiniLm.create(pool);
            List<String> batch = sentences(256);
            progress("warm-up");
            for (int i = 0; i < 30; i++) {
                embedOurs(ours, List.of(SENTENCES[i % SENTENCES.length]));
                theirs.embed(SENTENCES[i % SENTENCES.length]);
            }
            embedOurs(ours, batch);
            theirs.embedAll(segments(batch));

            progress("single-sentence latency, " + latencyIterations + " interleaved iterations");
            double[] oursMs = new double[latencyIterations];
            double[] theirsMs = new double[latencyIterations];
            for (int i = 0; i < latencyIterations; i++) {
                String sentence = SENTENCES[i % SENTENCES.length];
                // Alternate who goes first so neither side always runs on a warmer cache.
                if (i % 2 == 0) {
                    oursMs[i] = time(() -> embedOurs(ours, List.of(sentence)));
                    theirsMs[i] = time(() -> theirs.embed(sentence));
                } else {
                    theirsMs[i] = time(() -> theirs.embed(sentence));
                    oursMs[i] = time(() -> embedOurs(ours, List.of(sentence)));
                }
            }

            progress("256-sentence throughput, " + rounds + " interleaved rounds");
            double[] ours32 = new double[rounds];
            double[] ours256 = new double[rounds];
            double[] oursPlanned = new double[rounds];
            double[] theirs256 = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ours32[round] = batch.size() / (time(() -> embedInBatches(ours, batch, 32)) / 1000);
                ours256[round] = batch.size() / (time(() -> embedOurs(ours, batch)) / 1000);
                oursPlanned[round] =
                        batch.size()
                                / (time(
                                                () ->
                                                        ours.embedAll(
                                                                ours.tokenizer().encodeAll(batch),
                                                                SENTENCE_EMBEDDING,
                                                                MAX_BATCH_TOKENS))
                                        / 1000);
                theirs256[round] =
                        batch.size() / (time(() -> theirs.embedAll(segments(batch))) / 1000);
                progress("round " + (round + 1) + "/" + rounds + " done");
            }
            String report = report(oursMs, theirsMs, ours32, ours256, oursPlanned, theirs256);
            System.out.println(report);
            Path out = Path.of("target", "backbone-vs-langchain4j.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            progress("report written to " + out.toAbsolutePath());
        } finally {
            pool.shutdownNow();
        }
    }

    private static String report(
            double[] oursMs,
            double[] theirsMs,
            double[] ours32,
            double[] ours256,
            double[] oursPlanned,
            double[] theirs256) {
        StringBuilder md = new StringBuilder();
        md.append(
                "### Bundled backbone: FMplex (DJL/PyTorch, native encoder) vs langchain4j (ONNX Runtime)\n\n");
        md.append(
                        MachineInfo.describe(
                                "PyTorch intra-op = DJL default (cores), one FMplex thread; ONNX Runtime default"
                                        + " intra-op threads with spinning off; langchain4j embedAll on a pool of "
                                        + Runtime.getRuntime().availableProcessors()
                                        + " threads"))
                .append("\n\n");
        md.append("| measure | FMplex | langchain4j | FMplex / langchain4j |\n|---|---|---|---|\n");
        md.append(
                row(
                        "single sentence p50 latency (ms, lower is better)",
                        percentile(oursMs, 50),
                        percentile(theirsMs, 50)));
        md.append(
                row(
                        "single sentence p95 latency (ms)",
                        percentile(oursMs, 95),
                        percentile(theirsMs, 95)));
        md.append(
                row(
                        "256 sentences, throughput (sentences/s, higher is better), FMplex batch 32",
                        median(ours32),
                        median(theirs256)));
        md.append(
                row(
                        "256 sentences, throughput (sentences/s), FMplex one forward of 256 rows",
                        median(ours256),
                        median(theirs256)));
        md.append(
                row(
                        "256 sentences, throughput (sentences/s), FMplex worker path (passes of <= "
                                + MAX_BATCH_TOKENS
                                + " padded tokens)",
                        median(oursPlanned),
                        median(theirs256)));
        md.append(
                "\nlangchain4j's `embedAll` runs one ONNX Runtime call per sentence on a thread pool (no batching).\n");
        return md.toString();
    }

    private static String row(String name, double ours, double theirs) {
        return String.format("| %s | %.2f | %.2f | %.2fx |%n", name, ours, theirs, ours / theirs);
    }

    private static List<float[]> embedOurs(BertServedBackbone runtime, List<String> texts) {
        List<EncodedText> encoded = runtime.tokenizer().encodeAll(texts);
        return runtime.embed(encoded, SENTENCE_EMBEDDING);
    }

    private static void embedInBatches(BertServedBackbone runtime, List<String> texts, int size) {
        for (int start = 0; start < texts.size(); start += size) {
            embedOurs(runtime, texts.subList(start, Math.min(texts.size(), start + size)));
        }
    }

    private static List<String> sentences(int count) {
        List<String> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            result.add(SENTENCES[i % SENTENCES.length] + " (item " + i + ")");
        }
        return result;
    }

    private static List<TextSegment> segments(List<String> texts) {
        return texts.stream().map(TextSegment::from).toList();
    }

    private static double time(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e6;
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double median(double[] values) {
        return percentile(values, 50);
    }

    private static void progress(String message) {
        System.err.println("[bench] " + message);
    }
}
