package dev.fmplex.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * End-to-end HTTP overhead over in-process inference, against a running FMplex (standalone by
 * default): for sequential single-sentence requests, client-observed latency minus the time the
 * server reports for queueing and computing. What remains is HTTP, JSON, validation, tokenization
 * and the catalog lookup.
 */
public final class HttpOverheadBench {

    /** Read once: the key of the server under test ({@link ApiKeyFile}). */
    private static final String AUTHORIZATION = "Bearer " + ApiKeyFile.key();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpOverheadBench() {}

    public static void main(String[] args) throws Exception {
        String[] options = String.join(" ", args).trim().split("\\s+");
        String base = options[0].isEmpty() ? "http://localhost:8080" : options[0];
        int requests = options.length > 1 ? Integer.parseInt(options[1]) : 300;
        HttpClient http = HttpClient.newHttpClient();
        String name = "http-overhead-" + System.currentTimeMillis();
        JsonNode vfm =
                post(
                        http,
                        base + "/vfms",
                        Map.of(
                                "name",
                                name,
                                "backbone",
                                "all-minilm-l6-v2",
                                "task",
                                Map.of("kind", "embedding")));
        String infer = base + "/vfms/" + vfm.get("id").asString() + "/infer";
        Map<String, Object> body = Map.of("inputs", new String[] {"How do I reset my password?"});
        for (int i = 0; i < 30; i++) {
            post(http, infer, body);
        }
        double[] latency = new double[requests];
        double[] server = new double[requests];
        double[] overhead = new double[requests];
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            JsonNode reply = post(http, infer, body);
            latency[i] = (System.nanoTime() - start) / 1e6;
            server[i] =
                    reply.get("timing").get("queueMs").asDouble()
                            + reply.get("timing").get("computeMs").asDouble();
            overhead[i] = latency[i] - server[i];
        }
        String report =
                "### End-to-end HTTP overhead (issue 4)\n\n"
                        + MachineInfo.describe(
                                "server: standalone defaults; client: one JDK HttpClient, sequential")
                        + "\n\n"
                        + String.format(
                                "%d sequential single-sentence requests to %s:%n%n",
                                requests, infer.replaceAll("/vfms/.*", "/vfms/{id}/infer"))
                        + "| measure | p50 ms | p95 ms |\n|---|---|---|\n"
                        + String.format(
                                "| client latency | %.2f | %.2f |%n",
                                pct(latency, 50), pct(latency, 95))
                        + String.format(
                                "| server queue + compute | %.2f | %.2f |%n",
                                pct(server, 50), pct(server, 95))
                        + String.format(
                                "| overhead (difference) | %.2f | %.2f |%n",
                                pct(overhead, 50), pct(overhead, 95));
        System.out.println(report);
        Path out = Path.of("target", "http-overhead.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private static JsonNode post(HttpClient http, String url, Object body) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", AUTHORIZATION)
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                JSON.writeValueAsString(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(
                    url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static double pct(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
