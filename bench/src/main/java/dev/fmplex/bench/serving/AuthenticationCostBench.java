package dev.fmplex.bench.serving;

import dev.fmplex.bench.MachineInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What keys cost and what per-key rate limits protect, over HTTP on two standalone servers started
 * side by side (the README's first command):
 *
 * <ol>
 *   <li><b>Authentication cost</b>: one client sends one sentence at a time, in turn to a server
 *       with security on (an infer key of a tenant: key check, tenant visibility, rate limit) and
 *       to two with {@code fmplex.security.enabled=false}; the p50 (and p99) of each from the same
 *       interleaved run. The two unsecured servers' difference is the noise between servers.
 *   <li><b>Rate-limit isolation</b> (security on): a calm key sends one sentence at a time, alone;
 *       then while 8 clients flood closed-loop, ignoring {@code Retry-After}, with another key
 *       limited to 2 requests per second (its excess is refused with 429); then while the same 8
 *       clients flood with an unlimited key. The calm key's p99 under each flood over its p99
 *       alone.
 * </ol>
 *
 * <p>Run: {@code ./mvnw -B -q install -DskipTests && ./mvnw -B -q -pl bench exec:exec
 * -Dbench.main=dev.fmplex.bench.serving.AuthenticationCostBench -Dbench.args="600"} (the arguments:
 * requests per measured series, default 600; the standalone jar, default the one this repository
 * builds).
 */
public final class AuthenticationCostBench {

    private static final List<String> SENTENCE = List.of("How do I reset my password?");
    private static final int WARM_UP = 60;
    private static final int FLOOD_CLIENTS = 8;

    /**
     * The limited flood's rate: 2 requests of 16 rows a second, a tenth of what the machine serves.
     */
    private static final int LIMITED_RPS = 2;

    /** What a server with security off reads as a key: nothing. */
    private static final String UNCHECKED = "unused-by-an-unsecured-server-0000000000";

    private AuthenticationCostBench() {}

    public static void main(String[] arguments) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        String[] options = String.join(" ", arguments).trim().split("\\s+");
        int requests = options[0].isEmpty() ? 600 : Integer.parseInt(options[0]);
        Path jar =
                Path.of(
                        options.length > 1
                                ? options[1]
                                : "../standalone/target/fmplex-standalone.jar");
        Path logs = Path.of("target", "auth-bench");
        System.out.println(
                MachineInfo.describe(
                        "one client thread; the floods: 8 client threads, 16 rows per request"));
        try (HttpServedFmplex secured =
                        HttpServedFmplex.start(jar, 1, 0, logs.resolve("secured.log"));
                HttpServedFmplex open =
                        HttpServedFmplex.start(
                                jar,
                                1,
                                0,
                                logs.resolve("unsecured.log"),
                                "--fmplex.worker.queue-capacity=100000",
                                "--fmplex.security.enabled=false");
                HttpServedFmplex control =
                        HttpServedFmplex.start(
                                jar,
                                1,
                                0,
                                logs.resolve("unsecured-control.log"),
                                "--fmplex.worker.queue-capacity=100000",
                                "--fmplex.security.enabled=false")) {
            String securedVfm = secured.createEmbedding("auth-cost", 1);
            String openVfm = open.createEmbedding("auth-cost", 1);
            String controlVfm = control.createEmbedding("auth-cost", 1);
            String inferKey =
                    secured.createKey(
                            Map.of("name", "bench", "scope", "infer", "tenant", "default"));
            for (int i = 0; i < WARM_UP; i++) {
                require(secured.inferAs(inferKey, securedVfm, SENTENCE).statusCode());
                require(open.inferAs(UNCHECKED, openVfm, SENTENCE).statusCode());
                require(control.inferAs(UNCHECKED, controlVfm, SENTENCE).statusCode());
            }
            double[] withKeys = new double[requests];
            double[] without = new double[requests];
            double[] withoutAgain = new double[requests];
            for (int i = 0; i < requests; i++) {
                // Each server goes first, second and third equally often: no order bias.
                for (int turn = 0; turn < 3; turn++) {
                    int which = (i + turn) % 3;
                    long start = System.nanoTime();
                    if (which == 0) {
                        require(secured.inferAs(inferKey, securedVfm, SENTENCE).statusCode());
                        withKeys[i] = (System.nanoTime() - start) / 1e6;
                    } else if (which == 1) {
                        require(open.inferAs(UNCHECKED, openVfm, SENTENCE).statusCode());
                        without[i] = (System.nanoTime() - start) / 1e6;
                    } else {
                        require(control.inferAs(UNCHECKED, controlVfm, SENTENCE).statusCode());
                        withoutAgain[i] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "Authentication cost (%d interleaved single-sentence requests each):%n"
                            + "  security on  (infer key): p50 %.2f ms, p99 %.2f ms%n"
                            + "  security off            : p50 %.2f ms, p99 %.2f ms%n"
                            + "  security off, 2nd server: p50 %.2f ms, p99 %.2f ms%n"
                            + "  p50 on - off: %.3f ms (%.1f%%); off - off (noise between two servers):"
                            + " %.3f ms%n",
                    requests,
                    percentile(withKeys, 0.5),
                    percentile(withKeys, 0.99),
                    percentile(without, 0.5),
                    percentile(without, 0.99),
                    percentile(withoutAgain, 0.5),
                    percentile(withoutAgain, 0.99),
                    percentile(withKeys, 0.5) - percentile(without, 0.5),
                    100 * (percentile(withKeys, 0.5) / percentile(without, 0.5) - 1),
                    percentile(withoutAgain, 0.5) - percentile(without, 0.5));

            String calm =
                    secured.createKey(
                            Map.of("name", "calm", "scope", "infer", "tenant", "default"));
            String limited =
                    secured.createKey(
                            Map.of(
                                    "name", "flood-limited",
                                    "scope", "infer",
                                    "tenant", "default",
                                    "requestsPerSecond", LIMITED_RPS));
            String unlimited =
                    secured.createKey(
                            Map.of("name", "flood", "scope", "infer", "tenant", "default"));
            String floodVfm = secured.createEmbedding("flooded", 1);
            double[] alone = calmSeries(secured, calm, securedVfm, requests);
            Flood politeFlood = flood(secured, limited, floodVfm, calm, securedVfm, requests, true);
            Flood limitedFlood =
                    flood(secured, limited, floodVfm, calm, securedVfm, requests, false);
            Flood unlimitedFlood =
                    flood(secured, unlimited, floodVfm, calm, securedVfm, requests, false);
            double p99Alone = percentile(alone, 0.99);
            System.out.printf(
                    Locale.ROOT,
                    "Rate-limit isolation (calm key, one sentence at a time, %d requests):%n"
                            + "  alone                      : p50 %.2f ms, p99 %.2f ms%n"
                            + "  flood by a key at "
                            + LIMITED_RPS
                            + " req/s, clients honouring Retry-After: p50 %.2f ms, p99 %.2f ms (%.2fx"
                            + " alone); flood answered %d x 2xx, %d x 429%n"
                            + "  flood by a key at "
                            + LIMITED_RPS
                            + " req/s, clients ignoring Retry-After: p50 %.2f ms, p99 %.2f ms (%.2fx alone);"
                            + " flood answered %d x 2xx, %d x 429%n"
                            + "  flood by an unlimited key  : p50 %.2f ms, p99 %.2f ms (%.2fx alone);"
                            + " flood answered %d x 2xx, %d x 429%n",
                    requests,
                    percentile(alone, 0.5),
                    p99Alone,
                    percentile(politeFlood.calm(), 0.5),
                    percentile(politeFlood.calm(), 0.99),
                    percentile(politeFlood.calm(), 0.99) / p99Alone,
                    politeFlood.served(),
                    politeFlood.refused(),
                    percentile(limitedFlood.calm(), 0.5),
                    percentile(limitedFlood.calm(), 0.99),
                    percentile(limitedFlood.calm(), 0.99) / p99Alone,
                    limitedFlood.served(),
                    limitedFlood.refused(),
                    percentile(unlimitedFlood.calm(), 0.5),
                    percentile(unlimitedFlood.calm(), 0.99),
                    percentile(unlimitedFlood.calm(), 0.99) / p99Alone,
                    unlimitedFlood.served(),
                    unlimitedFlood.refused());
        }
    }

    private record Flood(double[] calm, long served, long refused) {}

    private static Flood flood(
            HttpServedFmplex server,
            String floodKey,
            String floodVfm,
            String calmKey,
            String calmVfm,
            int requests,
            boolean honourRetryAfter)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong served = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(FLOOD_CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        List<String> rows =
                java.util.Collections.nCopies(16, "A flood of sixteen rows per request.");
        for (int c = 0; c < FLOOD_CLIENTS; c++) {
            clients.add(
                    pool.submit(
                            () -> {
                                while (running.get()) {
                                    var reply = server.inferAs(floodKey, floodVfm, rows);
                                    boolean limited = reply.statusCode() == 429;
                                    (limited ? refused : served).incrementAndGet();
                                    if (limited && honourRetryAfter) {
                                        // What a well-behaved client (e.g. OpenAI's SDKs) does.
                                        long seconds =
                                                reply.headers()
                                                        .firstValueAsLong("Retry-After")
                                                        .orElse(1);
                                        Thread.sleep(seconds * 1000);
                                    }
                                }
                                return null;
                            }));
        }
        try {
            // Let the flood reach its steady state before measuring.
            calmSeries(server, calmKey, calmVfm, WARM_UP);
            return new Flood(
                    calmSeries(server, calmKey, calmVfm, requests), served.get(), refused.get());
        } finally {
            running.set(false);
            for (Future<?> client : clients) {
                client.get();
            }
            pool.shutdown();
        }
    }

    private static double[] calmSeries(
            HttpServedFmplex server, String key, String vfm, int requests) throws Exception {
        double[] latency = new double[requests];
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            require(server.inferAs(key, vfm, SENTENCE).statusCode());
            latency[i] = (System.nanoTime() - start) / 1e6;
        }
        return latency;
    }

    private static void require(int status) {
        if (status != 200) {
            throw new IllegalStateException("infer answered " + status);
        }
    }

    private static double percentile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
