package dev.fmplex.bench.serving;

import dev.fmplex.bench.ApiKeyFile;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * FMplex as users run it: the standalone server (the README's first command) in its own process,
 * the same task mix created and uploaded through its public API (PEFT LoRA folders for even tasks,
 * a {@code head.safetensors} for odd ones), every request a real HTTP call. Latency then includes
 * HTTP, JSON, validation and tokenization on the server, which in-process runs leave out.
 */
final class HttpServedFmplex implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> LABELS = List.of("negative", "neutral", "positive");
    private static final int HIDDEN = 384;
    private static final int LAYERS = 6;
    private static final int RANK = 8;

    private final Process server;
    private final Path data;
    private volatile String authorization;
    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
    private final List<String> vfmIds = new ArrayList<>();
    private final int lanes;

    private HttpServedFmplex(Process server, Path data, String base, int lanes) {
        this.server = server;
        this.data = data;
        this.base = base;
        this.lanes = lanes;
    }

    /**
     * Starts {@code jar} on a free port with a fresh data directory and creates {@code tasks} vFMs;
     * its log goes to {@code log}.
     */
    static HttpServedFmplex start(Path jar, int lanes, int tasks, Path log) throws Exception {
        return start(jar, lanes, tasks, log, "--fmplex.worker.queue-capacity=100000");
    }

    /**
     * As {@link #start(Path, int, int, Path)}, with {@code settings} (command-line arguments such
     * as {@code --fmplex.worker.queue-capacity=256}) instead of the unbounded queues the throughput
     * runs use.
     */
    static HttpServedFmplex start(Path jar, int lanes, int tasks, Path log, String... settings)
            throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar.toAbsolutePath()
                            + " is missing: build it first with ./mvnw -B -DskipTests package");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path data = Files.createTempDirectory("fmplex-bench-http");
        ProcessBuilder builder =
                new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dai.djl.offline=true",
                        "-Xmx2g",
                        "-jar",
                        jar.toAbsolutePath().toString(),
                        "--server.port=" + port,
                        "--fmplex.standalone.data-dir=" + data,
                        "--fmplex.worker.executor-lanes=" + lanes,
                        "--logging.level.root=WARN",
                        "--logging.level.dev.fmplex.standalone=INFO");
        builder.command().addAll(List.of(settings));
        builder.redirectErrorStream(true);
        Process process = builder.start();
        HttpServedFmplex served =
                new HttpServedFmplex(process, data, "http://127.0.0.1:" + port, lanes);
        try {
            awaitReady(process, log);
            for (int k = 0; k < tasks; k++) {
                served.vfmIds.add(served.createTask(k));
            }
            return served;
        } catch (Exception | Error e) {
            served.close();
            throw e;
        }
    }

    /** Copies the server's output to {@code log} and returns once it says it is ready. */
    private static void awaitReady(Process process, Path log) throws Exception {
        Files.createDirectories(log.toAbsolutePath().getParent());
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread copier =
                new Thread(
                        () -> {
                            try (BufferedReader lines =
                                            new BufferedReader(
                                                    new InputStreamReader(
                                                            process.getInputStream(),
                                                            StandardCharsets.UTF_8));
                                    PrintWriter out =
                                            new PrintWriter(Files.newBufferedWriter(log), true)) {
                                String line;
                                while ((line = lines.readLine()) != null) {
                                    out.println(line);
                                    if (line.contains("FMplex standalone ready")) {
                                        ready.complete(null);
                                    }
                                }
                                ready.completeExceptionally(
                                        new IllegalStateException(
                                                "the server exited before it was ready; see "
                                                        + log));
                            } catch (IOException e) {
                                ready.completeExceptionally(e);
                            }
                        },
                        "bench-http-server-log");
        copier.setDaemon(true);
        copier.start();
        ready.get(3, TimeUnit.MINUTES);
    }

    /** A deployment over the first {@code tasks} vFMs; closing it leaves the server running. */
    Deployment forTasks(int tasks) {
        if (tasks > vfmIds.size()) {
            throw new IllegalArgumentException(
                    tasks + " tasks asked for, " + vfmIds.size() + " created");
        }
        List<String> ids = vfmIds.subList(0, tasks);
        return new Deployment() {
            @Override
            public String name() {
                return lanes == 1 ? "FMplex over HTTP" : "FMplex over HTTP, " + lanes + " lanes";
            }

            @Override
            public CompletableFuture<Void> submit(int task, Request request) {
                String body = JSON.writeValueAsString(Map.of("inputs", List.of(request.text())));
                return http.sendAsync(
                                post("/vfms/" + ids.get(task) + "/infer", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .thenApply(HttpServedFmplex::requireSuccess)
                        .thenApply(response -> null);
            }

            @Override
            public long modelBytes() {
                return 0; // held in another process; the in-process FMplex rows measure it
            }

            @Override
            public void close() {}
        };
    }

    private String createTask(int task) throws Exception {
        Map<String, Object> spec =
                Map.of(
                        "name",
                        "bench-task-" + task,
                        "backbone",
                        "all-minilm-l6-v2",
                        "task",
                        Map.of("kind", "classification", "labels", LABELS));
        String id =
                send(post("/vfms", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                JSON.writeValueAsString(spec)))
                                .build())
                        .get("id")
                        .asString();
        Map<String, byte[]> files = TaskModels.hasLora(task) ? loraFolder(task) : headFile(task);
        String boundary = "fmplex-bench-" + task + "-" + System.nanoTime();
        send(
                post("/vfms/" + id + "/versions", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, files)))
                        .build());
        return id;
    }

    /** Creates an embedding vFM with this fair-share weight; returns its id. */
    String createEmbedding(String name, double weight) throws Exception {
        Map<String, Object> spec =
                Map.of(
                        "name",
                        name,
                        "backbone",
                        "all-minilm-l6-v2",
                        "weight",
                        weight,
                        "task",
                        Map.of("kind", "embedding"));
        return send(post("/vfms", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(spec)))
                        .build())
                .get("id")
                .asString();
    }

    /**
     * One infer call, as its own HTTP request.
     *
     * @return the HTTP status (the body is read and dropped)
     */
    CompletableFuture<Integer> infer(String vfmId, List<String> texts) {
        String body = JSON.writeValueAsString(Map.of("inputs", texts));
        return http.sendAsync(
                        post("/vfms/" + vfmId + "/infer", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(HttpResponse::statusCode);
    }

    /** One infer call; returns the reply's {@code timing} (queueMs, computeMs, batchRows, ...). */
    JsonNode inferTiming(String vfmId, List<String> texts) throws Exception {
        String body = JSON.writeValueAsString(Map.of("inputs", texts));
        return send(post("/vfms/" + vfmId + "/infer", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build())
                .get("timing");
    }

    /** {@code GET /vfms/{id}/stats}. */
    JsonNode stats(String vfmId) throws IOException, InterruptedException {
        return getAsAdmin("/vfms/" + vfmId + "/stats");
    }

    /** A {@code GET} as the admin; returns the reply. */
    JsonNode getAsAdmin(String path) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", authorization())
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build());
    }

    /** {@code POST /keys} as the admin; returns the new key. */
    String createKey(Map<String, Object> spec) throws Exception {
        return postAsAdmin("/keys", spec).get("key").asString();
    }

    /** A JSON {@code POST} as the admin; returns the reply. */
    JsonNode postAsAdmin(String path, Map<String, Object> body) throws Exception {
        return send(
                post(path, "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build());
    }

    /** One infer call sent with {@code key} (not the admin's; null for none). */
    HttpResponse<String> inferAs(String key, String vfmId, List<String> texts) throws Exception {
        String body = JSON.writeValueAsString(Map.of("inputs", texts));
        return http.send(
                keyed(HttpRequest.newBuilder(URI.create(base + "/vfms/" + vfmId + "/infer")), key)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofMinutes(2))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST path} with a JSON body, sending {@code key}; any status comes back. */
    HttpResponse<String> postAs(String key, String path, String json) throws Exception {
        return http.send(
                keyed(HttpRequest.newBuilder(URI.create(base + path)), key)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofMinutes(2))
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder keyed(HttpRequest.Builder request, String key) {
        return key == null ? request : request.header("Authorization", "Bearer " + key);
    }

    /** The admin key the server wrote on its first start, read once. */
    private String authorization() {
        String header = authorization;
        if (header == null) {
            header = "Bearer " + ApiKeyFile.read(data);
            authorization = header;
        }
        return header;
    }

    private HttpRequest.Builder post(String path, String contentType) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", authorization())
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", contentType);
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        return JSON.readTree(
                requireSuccess(http.send(request, HttpResponse.BodyHandlers.ofString())).body());
    }

    private static HttpResponse<String> requireSuccess(HttpResponse<String> response) {
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(
                    response.request().uri()
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
        return response;
    }

    /** A PEFT LoRA folder: r=8 on query and value of every layer, the classifier saved beside. */
    private static Map<String, byte[]> loraFolder(int task) {
        Random random = new Random(1000 + task);
        Map<String, float[][]> tensors = new LinkedHashMap<>();
        for (int layer = 0; layer < LAYERS; layer++) {
            for (String module : List.of("query", "value")) {
                String prefix =
                        "base_model.model.bert.encoder.layer."
                                + layer
                                + ".attention.self."
                                + module;
                tensors.put(prefix + ".lora_A.weight", gaussian(random, RANK, HIDDEN, 0.02));
                tensors.put(prefix + ".lora_B.weight", gaussian(random, HIDDEN, RANK, 0.02));
            }
        }
        tensors.put("base_model.model.classifier.weight", gaussian(random, 3, HIDDEN, 0.05));
        tensors.put("base_model.model.classifier.bias", new float[1][3]);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(
                "adapter_config.json",
                ("{\"peft_type\":\"LORA\",\"task_type\":\"SEQ_CLS\",\"r\":"
                                + RANK
                                + ",\"lora_alpha\":16,\"target_modules\":[\"query\",\"value\"],"
                                + "\"modules_to_save\":[\"classifier\"],\"bias\":\"none\"}")
                        .getBytes(StandardCharsets.UTF_8));
        files.put("adapter_model.safetensors", safetensors(tensors));
        return files;
    }

    private static Map<String, byte[]> headFile(int task) {
        Random random = new Random(1000 + task);
        Map<String, float[][]> tensors = new LinkedHashMap<>();
        tensors.put("weight", gaussian(random, 3, HIDDEN, 0.05));
        tensors.put("bias", new float[1][3]);
        return Map.of("head.safetensors", safetensors(tensors));
    }

    private static float[][] gaussian(Random random, int rows, int columns, double scale) {
        float[][] values = new float[rows][columns];
        for (float[] row : values) {
            for (int i = 0; i < columns; i++) {
                row[i] = (float) (random.nextGaussian() * scale);
            }
        }
        return values;
    }

    /**
     * The safetensors layout: an 8-byte little-endian header length, a JSON header of dtype, shape
     * and byte offsets, then the little-endian data. A one-row array named {@code *bias} is stored
     * as a vector.
     */
    private static byte[] safetensors(Map<String, float[][]> tensors) {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, float[][]> entry : tensors.entrySet()) {
            float[][] value = entry.getValue();
            long bytes = 4L * value.length * value[0].length;
            String shape =
                    entry.getKey().endsWith("bias")
                            ? "[" + value[0].length + "]"
                            : "[" + value.length + "," + value[0].length + "]";
            if (header.length() > 1) {
                header.append(',');
            }
            header.append(
                    String.format(
                            "\"%s\":{\"dtype\":\"F32\",\"shape\":%s,\"data_offsets\":[%d,%d]}",
                            entry.getKey(), shape, offset, offset + bytes));
            offset += bytes;
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out =
                ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json);
        for (float[][] value : tensors.values()) {
            for (float[] row : value) {
                for (float v : row) {
                    out.putFloat(v);
                }
            }
        }
        return out.array();
    }

    private static byte[] multipart(String boundary, Map<String, byte[]> files) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                body.write(
                        ("--"
                                        + boundary
                                        + "\r\nContent-Disposition: form-data; name=\"files\";"
                                        + " filename=\""
                                        + file.getKey()
                                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                                .getBytes(StandardCharsets.UTF_8));
                body.write(file.getValue());
                body.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return body.toByteArray();
    }

    @Override
    public void close() {
        // SIGTERM: Spring shuts down and stops its embedded PostgreSQL.
        server.destroy();
        try {
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.destroyForcibly();
        }
        deleteData();
    }

    /** The server's data directory (its PostgreSQL cluster, artifacts) goes with it. */
    private void deleteData() {
        try (java.util.stream.Stream<Path> files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("[serving] could not delete " + data + ": " + e.getMessage());
        }
    }
}
