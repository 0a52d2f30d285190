package dev.fmplex.bench.serving;

import dev.fmplex.bench.MachineInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the standard protocols cost over the native endpoint, over HTTP on one standalone server
 * (the README's first command): one client sends one sentence at a time with an infer key, in turn
 * to {@code POST /vfms/{id}/infer}, OpenAI's {@code /v1/embeddings}, TEI's {@code
 * /tei/{model}/embed} and the Open Inference Protocol's {@code /v2/models/{model}/infer}, all for
 * the same embedding vFM; the p50 and p99 of each route from the same interleaved run. The adapters
 * add a catalog read (the vFM by name) and the translation of request and reply.
 *
 * <p>Run: {@code ./mvnw -B -q install -DskipTests && ./mvnw -B -q -pl bench exec:exec
 * -Dbench.main=dev.fmplex.bench.serving.ProtocolOverheadBench -Dbench.args="600"} (the arguments:
 * requests per route, default 600; the standalone jar, default the one this repository builds).
 */
public final class ProtocolOverheadBench {

    private static final String SENTENCE = "How do I reset my password?";
    private static final String MODEL = "protocol-cost";
    private static final int WARM_UP = 60;

    private ProtocolOverheadBench() {}

    private record Route(String name, String path, String body) {}

    public static void main(String[] arguments) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        String[] options = String.join(" ", arguments).trim().split("\\s+");
        int requests = options[0].isEmpty() ? 600 : Integer.parseInt(options[0]);
        Path jar =
                Path.of(
                        options.length > 1
                                ? options[1]
                                : "../standalone/target/fmplex-standalone.jar");
        System.out.println(MachineInfo.describe("one client thread, one sentence per request"));
        try (HttpServedFmplex server =
                HttpServedFmplex.start(
                        jar, 1, 0, Path.of("target", "protocol-bench", "server.log"))) {
            String vfm = server.createEmbedding(MODEL, 1);
            String key =
                    server.createKey(
                            Map.of("name", "bench", "scope", "infer", "tenant", "default"));
            List<Route> routes =
                    List.of(
                            new Route(
                                    "native /vfms/{id}/infer",
                                    "/vfms/" + vfm + "/infer",
                                    "{\"inputs\":[\"" + SENTENCE + "\"]}"),
                            new Route(
                                    "OpenAI /v1/embeddings",
                                    "/v1/embeddings",
                                    "{\"model\":\"" + MODEL + "\",\"input\":\"" + SENTENCE + "\"}"),
                            new Route(
                                    "TEI /tei/{model}/embed",
                                    "/tei/" + MODEL + "/embed",
                                    "{\"inputs\":\"" + SENTENCE + "\"}"),
                            new Route(
                                    "OIP /v2/models/{model}/infer",
                                    "/v2/models/" + MODEL + "/infer",
                                    "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\","
                                            + "\"shape\":[1],\"data\":[\""
                                            + SENTENCE
                                            + "\"]}]}"));
            for (int i = 0; i < WARM_UP; i++) {
                for (Route route : routes) {
                    send(server, key, route);
                }
            }
            double[][] millis = new double[routes.size()][requests];
            for (int i = 0; i < requests; i++) {
                // Each route goes first, second, ... equally often: no order bias.
                for (int turn = 0; turn < routes.size(); turn++) {
                    int which = (i + turn) % routes.size();
                    long start = System.nanoTime();
                    send(server, key, routes.get(which));
                    millis[which][i] = (System.nanoTime() - start) / 1e6;
                }
            }
            double nativeP50 = percentile(millis[0], 0.5);
            System.out.printf(
                    Locale.ROOT,
                    "Protocol overhead (%d interleaved requests per route):%n",
                    requests);
            for (int r = 0; r < routes.size(); r++) {
                double p50 = percentile(millis[r], 0.5);
                System.out.printf(
                        Locale.ROOT,
                        "  %-30s p50 %.2f ms, p99 %.2f ms, p50 - native %+.3f ms (%.2fx)%n",
                        routes.get(r).name(),
                        p50,
                        percentile(millis[r], 0.99),
                        p50 - nativeP50,
                        p50 / nativeP50);
            }
        }
    }

    private static void send(HttpServedFmplex server, String key, Route route) throws Exception {
        int status = server.postAs(key, route.path(), route.body()).statusCode();
        if (status != 200) {
            throw new IllegalStateException(route.name() + " answered " + status);
        }
    }

    private static double percentile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
}
