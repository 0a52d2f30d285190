package dev.fmplex.bench;

import ai.djl.Device;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.family.bert.BundledMiniLm;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resident memory of the bundled backbone on each execution path, each measured in a fresh JVM of
 * its own (a second backbone in one process would share, and hide, the first one's native
 * allocations), alternating the paths over rounds.
 *
 * <p>Each probe loads the backbone, reads its resident set, serves a fixed mix of passes (single
 * sentences, batches of 32, one 256-row pass planned into worker passes) and reads it again. The
 * Java heap is fixed and pre-touched, and its size is taken off: what remains is native memory,
 * where the two paths differ.
 *
 * <p>{@code ./mvnw -B -q -pl bench exec:exec -Dbench.main=dev.fmplex.bench.BackboneMemoryBench
 * -Dbench.args="3"} (rounds).
 */
public final class BackboneMemoryBench {

    private static final List<ExecutionPath> PATHS =
            List.of(ExecutionPath.EAGER, ExecutionPath.ONNX_RUNTIME);
    private static final String PROBE = "--probe";
    private static final EmbeddingTask SENTENCE_EMBEDDING = new EmbeddingTask(Pooling.MEAN, true);

    private BackboneMemoryBench() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        String[] options = String.join(" ", args).trim().split("\\s+");
        if (options[0].equals(PROBE)) {
            probe(ExecutionPath.valueOf(options[1]));
            return;
        }
        int rounds = options[0].isEmpty() ? 3 : Integer.parseInt(options[0]);
        Map<ExecutionPath, List<Map<String, Long>>> readings = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (ExecutionPath path : PATHS) {
                progress("round " + (round + 1) + "/" + rounds + ": " + path.settingName());
                readings.computeIfAbsent(path, p -> new ArrayList<>()).add(runProbe(path));
            }
        }
        String report = report(readings);
        System.out.println(report);
        Path out = Path.of("target", "backbone-memory.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        progress("report written to " + out.toAbsolutePath());
    }

    /** Starts this class in a fresh JVM on the same class path and parses what it prints. */
    private static Map<String, Long> runProbe(ExecutionPath path)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child =
                new ProcessBuilder(
                                java,
                                "-Dai.djl.offline=true",
                                // A fixed, pre-touched heap is resident in full, so taking
                                // its size off the resident set leaves native memory exactly.
                                "-Xms512m",
                                "-Xmx512m",
                                "-XX:+AlwaysPreTouch",
                                "-cp",
                                System.getProperty("java.class.path"),
                                BackboneMemoryBench.class.getName(),
                                PROBE,
                                path.name())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (child.waitFor() != 0) {
            throw new IllegalStateException("probe for " + path + " failed:\n" + out);
        }
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("reading ")) {
                String[] parts = line.substring("reading ".length()).split("=");
                values.put(parts[0], Long.parseLong(parts[1].trim()));
            }
        }
        return values;
    }

    private static void probe(ExecutionPath path) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        long before = nativeResident();
        try (BertServedBackbone backbone =
                BundledMiniLm.load(
                        new BackboneLoadOptions(
                                Device.cpu(), BundledMiniLm.DEFAULT_MAX_TOKENS, path, cores))) {
            long loaded = nativeResident();
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                batch.add(BenchTexts.SENTENCES[i % BenchTexts.SENTENCES.length] + " #" + i);
            }
            for (int repeat = 0; repeat < 5; repeat++) {
                for (int i = 0; i < 20; i++) {
                    embed(backbone, batch.subList(i, i + 1));
                }
                for (int start = 0; start < batch.size(); start += 32) {
                    embed(backbone, batch.subList(start, start + 32));
                }
                backbone.embedAll(backbone.tokenizer().encodeAll(batch), SENTENCE_EMBEDDING, 2048);
            }
            long served = nativeResident();
            System.out.println("reading jvm=" + before);
            System.out.println("reading loaded=" + loaded);
            System.out.println("reading served=" + served);
        }
    }

    private static void embed(BertServedBackbone backbone, List<String> texts) {
        backbone.embed(backbone.tokenizer().encodeAll(texts), SENTENCE_EMBEDDING);
    }

    /** The proportional resident set less the (fixed, resident) Java heap. */
    private static long nativeResident() {
        return residentBytes() - Runtime.getRuntime().totalMemory();
    }

    private static long residentBytes() {
        try {
            // Proportional set size: pages mapped twice (two sessions over one weights file)
            // count once, as they take memory once.
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new IllegalStateException("no Pss in /proc/self/smaps_rollup");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String report(Map<ExecutionPath, List<Map<String, Long>>> readings) {
        StringBuilder out = new StringBuilder();
        out.append("## Backbone resident memory by execution path\n\n");
        out.append(MachineInfo.describe("each path in a fresh JVM (fixed 512 MB heap), all cores"));
        out.append("\n\n| path | JVM alone (MB) | after load (MB) | after serving (MB) |")
                .append(" backbone after serving (MB) |\n|---|---|---|---|---|\n");
        for (Map.Entry<ExecutionPath, List<Map<String, Long>>> entry : readings.entrySet()) {
            out.append("| ").append(entry.getKey().settingName());
            for (String key : List.of("jvm", "loaded", "served")) {
                out.append(" | ").append(range(entry.getValue(), key, false));
            }
            out.append(" | ").append(range(entry.getValue(), "served", true)).append(" |\n");
        }
        out.append(
                "\nNative resident memory: Pss (smaps_rollup) less the Java heap; \"backbone\" is"
                        + " after serving less the JVM alone. Ranges over rounds.\n");
        return out.toString();
    }

    private static String range(List<Map<String, Long>> rounds, String key, boolean overJvm) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Map<String, Long> round : rounds) {
            long value = round.get(key) - (overJvm ? round.get("jvm") : 0);
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        double mb = 1024.0 * 1024.0;
        return min == max
                ? String.format(Locale.ROOT, "%.0f", min / mb)
                : String.format(Locale.ROOT, "%.0f to %.0f", min / mb, max / mb);
    }

    private static void progress(String message) {
        System.err.println("[memory] " + message);
    }
}
