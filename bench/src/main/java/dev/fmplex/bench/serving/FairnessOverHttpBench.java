package dev.fmplex.bench.serving;

import dev.fmplex.bench.MachineInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * Fair sharing and isolation as users meet them, over HTTP on the standalone server (the README's
 * first command), each part on fresh servers:
 *
 * <ol>
 *   <li><b>Shares</b>, {@code runs} times, each on a new server (the failure of issue 14 was fixed
 *       early in a server's life): three embedding vFMs with weights 1, 2 and 4, each flooded by 12
 *       closed-loop clients sending the same sentence 4 times per request (the probe of issue 14);
 *       over a window counted in completed requests after a warm-up, each vFM's share of the
 *       execution time the server charged ({@code completedCostMs} of {@code GET
 *       /vfms/{id}/stats}), its share of completed requests, and the server's own sliding-window
 *       {@code achievedShare} and {@code weightShare}. The worst relative error against 1/7, 2/7
 *       and 4/7 is the headline.
 *   <li><b>Isolation</b>: a light vFM sends one short sentence at a time from one client, alone and
 *       then while another vFM of equal weight is flooded open-loop at 10 times the throughput it
 *       gets when flooded closed-loop (its excess is refused with 429); the light vFM's p99 under
 *       the flood over its p99 alone, measured in the same run.
 * </ol>
 *
 * <p>Run: {@code ./mvnw -B -q install -DskipTests && ./mvnw -B -q -pl bench exec:exec
 * -Dbench.main=dev.fmplex.bench.serving.FairnessOverHttpBench -Dbench.args="5"} (the arguments: the
 * number of share runs, default 5; the flood's rows per request, default 16; the standalone jar,
 * default the one this repository builds).
 */
public final class FairnessOverHttpBench {

    private static final double[] WEIGHTS = {1, 2, 4};
    private static final int CLIENTS_PER_VFM = 12;

    /** The request of the probe: one sentence four times, the same for every client. */
    private static final List<String> SHARE_TEXTS =
            java.util.Collections.nCopies(4, "FMplex shares one backbone across many tasks.");

    private static final int WARM_UP_REQUESTS = 150;
    private static final int WINDOW_REQUESTS = 1500;
    private static final int LIGHT_WARM_UP = 50;
    private static final int LIGHT_REQUESTS = 600;

    private FairnessOverHttpBench() {}

    public static void main(String[] arguments) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        String[] args = String.join(" ", arguments).trim().split("\\s+");
        int runs = args[0].isEmpty() ? 5 : Integer.parseInt(args[0]);
        int floodRows = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Path jar = args.length > 2 ? Path.of(args[2]) : ServingComparisonBench.Plan.standaloneJar();
        Path logs = Path.of("target", "fairness-bench");
        System.out.println(
                MachineInfo.describe(
                        "standalone servers in their own processes, 1 executor lane each"));

        double worst = 0;
        for (int run = 1; run <= runs; run++) {
            try (HttpServedFmplex server =
                    HttpServedFmplex.start(
                            jar,
                            1,
                            0,
                            logs.resolve("shares-" + run + ".log"),
                            "--fmplex.worker.queue-capacity=256")) {
                worst = Math.max(worst, shares(server, run));
            }
        }
        if (runs > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "shares: worst relative error of charged-time shares over %d runs: %.1f%%%n",
                    runs,
                    100 * worst);
        }

        List<String> isolationSettings = new ArrayList<>();
        isolationSettings.add("--fmplex.worker.queue-capacity=256");
        isolationSettings.addAll(
                Arrays.asList(args).subList(Math.min(3, args.length), args.length));
        try (HttpServedFmplex server =
                HttpServedFmplex.start(
                        jar,
                        1,
                        0,
                        logs.resolve("isolation.log"),
                        isolationSettings.toArray(String[]::new))) {
            isolation(server, floodRows);
        }
    }

    /** One share run; returns its worst relative error. */
    private static double shares(HttpServedFmplex server, int run) throws Exception {
        List<String> ids = new ArrayList<>();
        for (double weight : WEIGHTS) {
            ids.add(server.createEmbedding("share-w" + (int) weight, weight));
        }
        AtomicInteger[] completed = new AtomicInteger[ids.size()];
        for (int v = 0; v < completed.length; v++) {
            completed[v] = new AtomicInteger();
        }
        Phases phases = new Phases(WARM_UP_REQUESTS);
        List<ClosedLoop> loops = new ArrayList<>();
        for (int v = 0; v < ids.size(); v++) {
            int vfm = v;
            for (int c = 0; c < CLIENTS_PER_VFM; c++) {
                loops.add(
                        new ClosedLoop(
                                n -> server.infer(ids.get(vfm), SHARE_TEXTS),
                                () -> {
                                    completed[vfm].incrementAndGet();
                                    phases.countDown();
                                }));
            }
        }
        double[] charged;
        int[] requests = new int[ids.size()];
        JsonNode[] end = new JsonNode[ids.size()];
        try {
            phases.await(loops);
            double[] before = chargedMs(server, ids);
            int[] countsBefore = counts(completed);
            phases.next(WINDOW_REQUESTS);
            phases.await(loops);
            charged = chargedMs(server, ids);
            int[] countsAfter = counts(completed);
            for (int v = 0; v < ids.size(); v++) {
                charged[v] -= before[v];
                requests[v] = countsAfter[v] - countsBefore[v];
                end[v] = server.stats(ids.get(v));
            }
        } finally {
            loops.forEach(ClosedLoop::stop);
        }
        double chargedTotal = Arrays.stream(charged).sum();
        double requestTotal = Arrays.stream(requests).sum();
        double worst = 0;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "shares run %d:", run));
        for (int v = 0; v < ids.size(); v++) {
            double share = charged[v] / chargedTotal;
            double error = Math.abs(share * 7 / WEIGHTS[v] - 1);
            worst = Math.max(worst, error);
            line.append(
                    String.format(
                            Locale.ROOT,
                            " w%.0f time %.3f (%.1f%%) requests %.3f, server achieved %.3f of"
                                    + " weight share %.3f;",
                            WEIGHTS[v],
                            share,
                            100 * error,
                            requests[v] / requestTotal,
                            end[v].path("achievedShare").asDouble(Double.NaN),
                            end[v].path("weightShare").asDouble(Double.NaN)));
        }
        System.out.println(line);
        return worst;
    }

    private static void isolation(HttpServedFmplex server, int floodRows) throws Exception {
        String light = server.createEmbedding("light", 1);
        String flood = server.createEmbedding("flood", 1);
        Latencies alone = lightLatencies(server, light);

        // Capacity: what the flooding vFM gets with enough closed-loop clients to keep it
        // backlogged.
        AtomicInteger capacityCount = new AtomicInteger();
        Phases capacityPhases = new Phases(40);
        List<ClosedLoop> capacityLoops = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            capacityLoops.add(
                    new ClosedLoop(
                            n -> server.infer(flood, floodTexts(floodRows, "capacity", n)),
                            () -> {
                                capacityCount.incrementAndGet();
                                capacityPhases.countDown();
                            }));
        }
        double capacityPerSecond;
        try {
            capacityPhases.await(capacityLoops);
            int start = capacityCount.get();
            long started = System.nanoTime();
            capacityPhases.next(200);
            capacityPhases.await(capacityLoops);
            capacityPerSecond =
                    (capacityCount.get() - start) / ((System.nanoTime() - started) / 1e9);
        } finally {
            capacityLoops.forEach(ClosedLoop::stop);
        }

        // The flood: open loop at 10x that rate, whatever comes back.
        double floodRate = 10 * capacityPerSecond;
        ConcurrentHashMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        long periodNanos = (long) (1e9 / floodRate);
        pacer.scheduleAtFixedRate(
                () -> {
                    int n = sent.incrementAndGet();
                    server.infer(flood, floodTexts(floodRows, "flood", n))
                            .whenComplete(
                                    (status, error) ->
                                            statuses.computeIfAbsent(
                                                            error == null ? status : -1,
                                                            s -> new AtomicInteger())
                                                    .incrementAndGet());
                },
                0,
                periodNanos,
                TimeUnit.NANOSECONDS);
        Latencies flooded;
        try {
            flooded = lightLatencies(server, light);
        } finally {
            pacer.shutdownNow();
        }
        double p99Alone = percentile(alone.endToEnd(), 0.99);
        double p99Flooded = percentile(flooded.endToEnd(), 0.99);
        System.out.printf(
                Locale.ROOT,
                "isolation: light vFM (1 sentence, 1 client) alone: %s; while a vFM of equal"
                        + " weight is flooded with %d-sentence requests at %.0f/s (10 x its capacity"
                        + " of %.1f/s; answers by status %s): %s; p99 ratio %.2f%n",
                alone.describe(),
                floodRows,
                floodRate,
                capacityPerSecond,
                statuses,
                flooded.describe(),
                p99Flooded / p99Alone);
    }

    /**
     * The light vFM's requests, one client, one short sentence each: end-to-end latency, and the
     * server's queue wait and batch compute time for each, in ms.
     */
    private record Latencies(double[] endToEnd, double[] queue, double[] compute, double[] rows) {
        String describe() {
            return String.format(
                    Locale.ROOT,
                    "p50 %.1f ms, p99 %.1f ms (server queue p50 %.1f / p99 %.1f ms, batch compute"
                            + " p50 %.1f / p99 %.1f ms, batch rows p50 %.0f)",
                    percentile(endToEnd, 0.5),
                    percentile(endToEnd, 0.99),
                    percentile(queue, 0.5),
                    percentile(queue, 0.99),
                    percentile(compute, 0.5),
                    percentile(compute, 0.99),
                    percentile(rows, 0.5));
        }
    }

    private static Latencies lightLatencies(HttpServedFmplex server, String light)
            throws Exception {
        double[] latencies = new double[LIGHT_REQUESTS];
        double[] queue = new double[LIGHT_REQUESTS];
        double[] compute = new double[LIGHT_REQUESTS];
        double[] rows = new double[LIGHT_REQUESTS];
        for (int i = -LIGHT_WARM_UP; i < LIGHT_REQUESTS; i++) {
            long started = System.nanoTime();
            JsonNode timing = server.inferTiming(light, List.of("is it raining today " + i));
            if (i >= 0) {
                latencies[i] = (System.nanoTime() - started) / 1e6;
                queue[i] = timing.get("queueMs").asDouble();
                compute[i] = timing.get("computeMs").asDouble();
                rows[i] = timing.get("batchRows").asDouble();
            }
        }
        return new Latencies(latencies, queue, compute, rows);
    }

    private static List<String> floodTexts(int rows, String phase, long n) {
        List<String> texts = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            texts.add(phase + " request " + n + " row " + r + " about the weather in the harbour");
        }
        return texts;
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double[] chargedMs(HttpServedFmplex server, List<String> ids) throws Exception {
        double[] charged = new double[ids.size()];
        for (int v = 0; v < ids.size(); v++) {
            charged[v] = server.stats(ids.get(v)).get("completedCostMs").asDouble();
        }
        return charged;
    }

    private static int[] counts(AtomicInteger[] completed) {
        return Arrays.stream(completed).mapToInt(AtomicInteger::get).toArray();
    }

    /** Phases counted in completed requests, so a slow machine takes longer, not different. */
    private static final class Phases {
        private volatile CountDownLatch current;

        Phases(int requests) {
            current = new CountDownLatch(requests);
        }

        void countDown() {
            current.countDown();
        }

        void next(int requests) {
            current = new CountDownLatch(requests);
        }

        void await(List<ClosedLoop> loops) throws InterruptedException {
            while (!current.await(1, TimeUnit.SECONDS)) {
                for (ClosedLoop loop : loops) {
                    loop.rethrow();
                }
            }
        }
    }

    /** One client: sends the next request when the last one answered 200. */
    private static final class ClosedLoop {
        interface Call {
            CompletableFuture<Integer> send(long n);
        }

        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile RuntimeException failure;

        ClosedLoop(Call call, Runnable onCompleted) {
            Thread thread =
                    new Thread(
                            () -> {
                                for (long n = 0; running.get(); n++) {
                                    try {
                                        int status = call.send(n).get();
                                        if (status != 200) {
                                            throw new IllegalStateException("HTTP " + status);
                                        }
                                    } catch (Exception e) {
                                        failure = new IllegalStateException("a client failed", e);
                                        return;
                                    }
                                    onCompleted.run();
                                }
                            },
                            "bench-client");
            thread.setDaemon(true);
            thread.start();
        }

        void rethrow() {
            if (failure != null) {
                throw failure;
            }
        }

        void stop() {
            running.set(false);
        }
    }
}
