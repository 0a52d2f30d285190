package dev.fmplex.bench.serving;

import dev.fmplex.bench.MachineInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a training job costs the vFMs serving beside it (issue 18): one standalone server, a serving
 * embedding vFM under steady closed-loop load, and a {@code lora} job on another vFM of the same
 * backbone. Each pair of phases measures the serving vFM's latency while a job runs, then for the
 * same number of requests with no job, so the ratio of p99s is taken side by side on the same
 * server, warm. Goal: p99 with a job within 1.5x of p99 without.
 *
 * <p>Arguments: pairs (default 3), serving clients (default 2), the standalone jar (default the one
 * this repository builds), then any server settings (e.g. {@code
 * --fmplex.worker.training-pass-rows=2}).
 */
public final class TrainingInterferenceBench {

    private static final String SENTENCE = "is the harbour open for small boats today";

    private TrainingInterferenceBench() {}

    public static void main(String[] arguments) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        String[] args = String.join(" ", arguments).trim().split("\\s+");
        int pairs = args[0].isEmpty() ? 3 : Integer.parseInt(args[0]);
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path jar =
                args.length > 2 && !args[2].equals("default")
                        ? Path.of(args[2])
                        : ServingComparisonBench.Plan.standaloneJar();
        List<String> settings = new ArrayList<>(List.of("--fmplex.worker.queue-capacity=256"));
        settings.addAll(Arrays.asList(args).subList(Math.min(3, args.length), args.length));
        System.out.println(
                MachineInfo.describe(
                        "one standalone server in its own process, 1 executor lane; serving"
                                + " clients and the job share its backbone"));
        try (HttpServedFmplex server =
                HttpServedFmplex.start(
                        jar,
                        1,
                        0,
                        Path.of("target", "training-bench", "server.log"),
                        settings.toArray(String[]::new))) {
            String serving = server.createEmbedding("serving", 1);
            String trained =
                    server.postAsAdmin(
                                    "/vfms",
                                    Map.of(
                                            "name",
                                            "trained",
                                            "backbone",
                                            "all-minilm-l6-v2",
                                            "task",
                                            Map.of(
                                                    "kind",
                                                    "classification",
                                                    "labels",
                                                    List.of("negative", "positive"),
                                                    "pooling",
                                                    "mean",
                                                    "layer",
                                                    1)))
                            .get("id")
                            .asString();
            load(server, serving, clients, 300, null); // warm-up
            List<Double> ratios = new ArrayList<>();
            for (int pair = 1; pair <= pairs; pair++) {
                String job =
                        server.postAsAdmin(
                                        "/vfms/" + trained + "/training-jobs",
                                        Map.of(
                                                "recipe",
                                                "lora",
                                                "seed",
                                                pair,
                                                "lora",
                                                Map.of("epochs", 6, "patience", 50),
                                                "examples",
                                                examples(pair)))
                                .get("id")
                                .asString();
                double[] during = load(server, serving, clients, Integer.MAX_VALUE, job);
                double[] alone = load(server, serving, clients, during.length, null);
                double ratio = percentile(during, 0.99) / percentile(alone, 0.99);
                ratios.add(ratio);
                System.out.printf(
                        Locale.ROOT,
                        "pair %d: %d requests each; with a lora job p50 %.2f ms p99 %.2f ms,"
                                + " without p50 %.2f ms p99 %.2f ms: p99 ratio %.2fx (job %s)%n",
                        pair,
                        during.length,
                        percentile(during, 0.5),
                        percentile(during, 0.99),
                        percentile(alone, 0.5),
                        percentile(alone, 0.99),
                        ratio,
                        describe(server.getAsAdmin("/training-jobs/" + job)));
            }
            double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(
                    Locale.ROOT,
                    "serving p99 with a lora job / without: median %.2fx over %d pairs (goal <="
                            + " 1.5x)%n",
                    sorted[sorted.length / 2],
                    sorted.length);
        }
    }

    /**
     * Closed-loop load on {@code vfm}: {@code requests} latencies, or, with {@code job}, every
     * request completed while the job was queued or running.
     */
    private static double[] load(
            HttpServedFmplex server, String vfm, int clients, int requests, String job)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> phases = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicReference<String> phase =
                new java.util.concurrent.atomic.AtomicReference<>("queued");
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t =
                    new Thread(
                            () -> {
                                while (running.get()) {
                                    long start = System.nanoTime();
                                    try {
                                        server.inferTiming(vfm, List.of(SENTENCE));
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                    if (running.get()) {
                                        synchronized (latencies) {
                                            latencies.add((System.nanoTime() - start) / 1e6);
                                            phases.add(phase.get());
                                        }
                                        if (job == null && latencies.size() >= requests) {
                                            running.set(false);
                                        }
                                    }
                                }
                            });
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        if (job != null) {
            while (true) {
                var view = server.getAsAdmin("/training-jobs/" + job);
                String state = view.get("state").asString();
                if (view.hasNonNull("phase")) {
                    String name = view.get("phase").asString();
                    if (name.equals("training")) {
                        // Before the first epoch: the eager copy loads, the start is evaluated.
                        name = view.hasNonNull("lastEpoch") ? "epochs" : "training set-up";
                    }
                    phase.set(name);
                }
                if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000); // poll the job
            }
            running.set(false);
        }
        for (Thread t : threads) {
            t.join();
        }
        synchronized (latencies) {
            if (job != null) {
                Map<String, List<Double>> byPhase = new java.util.LinkedHashMap<>();
                for (int i = 0; i < latencies.size(); i++) {
                    byPhase.computeIfAbsent(phases.get(i), k -> new ArrayList<>())
                            .add(latencies.get(i));
                }
                byPhase.forEach(
                        (name, values) ->
                                System.out.printf(
                                        Locale.ROOT,
                                        "  while %s: %d requests, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                                        name,
                                        values.size(),
                                        percentile(
                                                values.stream()
                                                        .mapToDouble(Double::doubleValue)
                                                        .toArray(),
                                                0.5),
                                        percentile(
                                                values.stream()
                                                        .mapToDouble(Double::doubleValue)
                                                        .toArray(),
                                                0.99),
                                        values.stream()
                                                .mapToDouble(Double::doubleValue)
                                                .max()
                                                .orElse(0)));
            }
            double[] values = new double[Math.min(latencies.size(), requests)];
            for (int i = 0; i < values.length; i++) {
                values[i] = latencies.get(i);
            }
            return values;
        }
    }

    /** Which of two words comes first, among fillers: StandaloneLoraTrainingTest's task. */
    private static List<Map<String, Object>> examples(long seed) {
        String[] fillers = {
            "apple", "river", "stone", "cloud", "green", "music", "paper", "window", "table",
            "horse"
        };
        Random random = new Random(seed);
        List<Map<String, Object>> examples = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            boolean positive = i % 2 == 0;
            List<String> words = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                words.add(fillers[random.nextInt(fillers.length)]);
            }
            int first = random.nextInt(3);
            int second = first + 1 + random.nextInt(4 - first);
            words.add(second, positive ? "south" : "north");
            words.add(first, positive ? "north" : "south");
            examples.add(
                    Map.of(
                            "input",
                            String.join(" ", words),
                            "label",
                            positive ? "positive" : "negative"));
        }
        return examples;
    }

    /** The job's end state and how long it ran. */
    private static String describe(tools.jackson.databind.JsonNode view) {
        String state = view.get("state").asString();
        if (!view.hasNonNull("startedAt") || !view.hasNonNull("finishedAt")) {
            return state;
        }
        java.time.Duration ran =
                java.time.Duration.between(
                        java.time.Instant.parse(view.get("startedAt").asString()),
                        java.time.Instant.parse(view.get("finishedAt").asString()));
        return String.format(Locale.ROOT, "%s in %.1f s", state, ran.toMillis() / 1000.0);
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
