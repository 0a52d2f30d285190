package dev.fmplex.bench;

import ai.djl.Device;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.ExecutionPath;
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
        // Optional: a running FMplex (the standalone server) to time the same sentences over HTTP.
        HttpLeg http = options.length > 2 ? HttpLeg.start(options[2]) : null;
        ExecutorService pool =
                Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        int cores = Runtime.getRuntime().availableProcessors();
        try (BertServedBackbone eager =
                        BundledMiniLm.load(Device.cpu(), BundledMiniLm.DEFAULT_MAX_TOKENS);
                BertServedBackbone onnx =
                        BundledMiniLm.load(
                                new BackboneLoadOptions(
                                        Device.cpu(),
                                        BundledMiniLm.DEFAULT_MAX_TOKENS,
                                        ExecutionPath.ONNX_RUNTIME,
                                        cores))) {
            List<BertServedBackbone> ours = List.of(eager, onnx);
            EmbeddingModel theirs = Langchain4jMiniLm.create(pool);
            List<String> batch = sentences(256);
            progress("warm-up");
            for (int i = 0; i < 30; i++) {
                for (BertServedBackbone side : ours) {
                    embedOurs(side, List.of(SENTENCES[i % SENTENCES.length]));
                }
                theirs.embed(SENTENCES[i % SENTENCES.length]);
            }
            for (BertServedBackbone side : ours) {
                embedOurs(side, batch);
            }
            theirs.embedAll(segments(batch));
            checkSameEmbeddings(eager, onnx, batch);

            if (http != null) {
                for (int i = 0; i < 30; i++) {
                    http.embed(SENTENCES[i % SENTENCES.length]);
                }
            }
            progress("single-sentence latency, " + latencyIterations + " interleaved iterations");
            double[][] oursMs = new double[ours.size()][latencyIterations];
            double[] theirsMs = new double[latencyIterations];
            double[] httpMs = new double[latencyIterations];
            int sides = ours.size() + 1 + (http != null ? 1 : 0);
            for (int i = 0; i < latencyIterations; i++) {
                String sentence = SENTENCES[i % SENTENCES.length];
                // Rotate who goes first so no side always runs on a warmer cache.
                for (int k = 0; k < sides; k++) {
                    int side = (i + k) % sides;
                    if (side == ours.size() + 1) {
                        httpMs[i] = time(() -> http.embed(sentence));
                    } else if (side == ours.size()) {
                        theirsMs[i] = time(() -> theirs.embed(sentence));
                    } else {
                        BertServedBackbone runtime = ours.get(side);
                        oursMs[side][i] = time(() -> embedOurs(runtime, List.of(sentence)));
                    }
                }
            }

            progress("256-sentence throughput, " + rounds + " interleaved rounds");
            double[][] ours32 = new double[ours.size()][rounds];
            double[][] ours256 = new double[ours.size()][rounds];
            double[][] oursPlanned = new double[ours.size()][rounds];
            double[] theirs256 = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                for (int side = 0; side < ours.size(); side++) {
                    BertServedBackbone runtime = ours.get(side);
                    ours32[side][round] =
                            batch.size() / (time(() -> embedInBatches(runtime, batch, 32)) / 1000);
                    ours256[side][round] =
                            batch.size() / (time(() -> embedOurs(runtime, batch)) / 1000);
                    oursPlanned[side][round] =
                            batch.size()
                                    / (time(
                                                    () ->
                                                            runtime.embedAll(
                                                                    runtime.tokenizer()
                                                                            .encodeAll(batch),
                                                                    SENTENCE_EMBEDDING,
                                                                    MAX_BATCH_TOKENS))
                                            / 1000);
                }
                theirs256[round] =
                        batch.size() / (time(() -> theirs.embedAll(segments(batch))) / 1000);
                progress("round " + (round + 1) + "/" + rounds + " done");
            }
            String report =
                    report(oursMs, theirsMs, ours32, ours256, oursPlanned, theirs256)
                            + (http != null ? http.report(httpMs, theirsMs) : "");
            System.out.println(report);
            Path out = Path.of("target", "backbone-vs-langchain4j.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            progress("report written to " + out.toAbsolutePath());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * FMplex over HTTP: an embedding vFM created on a running server, one sentence per request,
     * sequential, from the JDK's {@code HttpClient} (what a Java service calling FMplex would use).
     */
    private record HttpLeg(String base, java.net.http.HttpClient client, String infer) {

        /** Read once, when the HTTP leg runs: the key of the server under test. */
        private static final String AUTHORIZATION = "Bearer " + ApiKeyFile.key();

        static HttpLeg start(String base) throws Exception {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            String created =
                    send(
                            client,
                            base + "/vfms",
                            "{\"name\":\"bench-"
                                    + System.currentTimeMillis()
                                    + "\",\"backbone\":\"all-minilm-l6-v2\",\"task\":{\"kind\":"
                                    + "\"embedding\",\"pooling\":\"mean\",\"normalize\":true}}");
            java.util.regex.Matcher id =
                    java.util.regex.Pattern.compile("\"id\":\"([^\"]+)\"").matcher(created);
            if (!id.find()) {
                throw new IllegalStateException("no vFM id in " + created);
            }
            return new HttpLeg(base, client, base + "/vfms/" + id.group(1) + "/infer");
        }

        void embed(String sentence) {
            try {
                send(client, infer, "{\"inputs\":[\"" + sentence.replace("\"", "\\\"") + "\"]}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static String send(java.net.http.HttpClient client, String url, String json)
                throws Exception {
            java.net.http.HttpResponse<String> response =
                    client.send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                    .header("Authorization", AUTHORIZATION)
                                    .header("Content-Type", "application/json")
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(
                        url + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        }

        String report(double[] httpMs, double[] theirsMs) {
            return String.format(
                    "%nOver HTTP (%s, one sentence per request, JDK HttpClient, interleaved with the"
                            + " sides above):%n%n| measure | FMplex over HTTP | langchain4j in"
                            + " process | ratio |%n|---|---|---|---|%n| single sentence p50 (ms)"
                            + " | %.2f | %.2f | %.2fx |%n| single sentence p95 (ms) | %.2f | %.2f |"
                            + " %.2fx |%n",
                    base,
                    percentile(httpMs, 50),
                    percentile(theirsMs, 50),
                    percentile(httpMs, 50) / percentile(theirsMs, 50),
                    percentile(httpMs, 95),
                    percentile(theirsMs, 95),
                    percentile(httpMs, 95) / percentile(theirsMs, 95));
        }
    }

    /** The two execution paths must agree before their times mean anything. */
    private static void checkSameEmbeddings(
            BertServedBackbone eager, BertServedBackbone onnx, List<String> texts) {
        List<float[]> a = embedOurs(eager, texts);
        List<float[]> b = embedOurs(onnx, texts);
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < a.get(i).length; j++) {
                worst = Math.max(worst, Math.abs(a.get(i)[j] - b.get(i)[j]));
            }
        }
        if (worst > 1e-4) {
            throw new IllegalStateException(
                    "eager and onnxruntime embeddings differ by " + worst + " (limit 1e-4)");
        }
        progress(String.format("eager and onnxruntime agree: max abs diff %.2e", worst));
    }

    private static String report(
            double[][] oursMs,
            double[] theirsMs,
            double[][] ours32,
            double[][] ours256,
            double[][] oursPlanned,
            double[] theirs256) {
        StringBuilder md = new StringBuilder();
        md.append(
                "### Bundled backbone: FMplex (eager DJL/PyTorch, and its ONNX Runtime graph) vs langchain4j"
                        + " (ONNX Runtime)\n\n");
        md.append(
                        MachineInfo.describe(
                                "FMplex eager: PyTorch intra-op = DJL default (cores); FMplex onnxruntime:"
                                        + " its own graph, intra-op = cores, spinning off; one FMplex"
                                        + " thread; langchain4j: ONNX Runtime default intra-op threads with"
                                        + " spinning off, embedAll on a pool of "
                                        + Runtime.getRuntime().availableProcessors()
                                        + " threads"))
                .append("\n\n");
        md.append(
                "| measure | FMplex eager | FMplex onnxruntime | langchain4j | eager / langchain4j |"
                        + " onnxruntime / langchain4j |\n|---|---|---|---|---|---|\n");
        md.append(
                row(
                        "single sentence p50 latency (ms, lower is better)",
                        percentile(oursMs[0], 50),
                        percentile(oursMs[1], 50),
                        percentile(theirsMs, 50)));
        md.append(
                row(
                        "single sentence p95 latency (ms)",
                        percentile(oursMs[0], 95),
                        percentile(oursMs[1], 95),
                        percentile(theirsMs, 95)));
        md.append(
                row(
                        "256 sentences, throughput (sentences/s, higher is better), FMplex batch 32",
                        median(ours32[0]),
                        median(ours32[1]),
                        median(theirs256)));
        md.append(
                row(
                        "256 sentences, throughput (sentences/s), FMplex one forward of 256 rows",
                        median(ours256[0]),
                        median(ours256[1]),
                        median(theirs256)));
        md.append(
                row(
                        "256 sentences, throughput (sentences/s), FMplex worker path (passes of <= "
                                + MAX_BATCH_TOKENS
                                + " padded tokens)",
                        median(oursPlanned[0]),
                        median(oursPlanned[1]),
                        median(theirs256)));
        md.append(
                "\nlangchain4j's `embedAll` runs one ONNX Runtime call per sentence on a thread pool (no batching).\n");
        return md.toString();
    }

    private static String row(String name, double eager, double onnx, double theirs) {
        return String.format(
                "| %s | %.2f | %.2f | %.2f | %.2fx | %.2fx |%n",
                name, eager, onnx, theirs, eager / theirs, onnx / theirs);
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
