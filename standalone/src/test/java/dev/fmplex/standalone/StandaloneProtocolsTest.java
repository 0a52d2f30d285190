package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.post;
import static dev.fmplex.standalone.ApiCalls.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fmplex.engine.extension.peft.RandomLoraTask;
import dev.fmplex.engine.extension.peft.RandomLoraTask.Layout;
import dev.fmplex.engine.family.patchtst.PatchTstConfig;
import dev.fmplex.engine.family.patchtst.TinyPatchTstCheckpoints;
import dev.fmplex.engine.family.vit.TinyVitCheckpoints;
import dev.fmplex.engine.family.vit.VitConfig;
import dev.fmplex.engine.nn.Projection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The TEI-style routes, vLLM's classify and the Open Inference Protocol v2 over real HTTP, on a
 * server with the bundled text backbone, a ViT and a PatchTST: every protocol's answer equals the
 * native endpoint's for the same vFM and inputs (text, sentence pairs, images, series), reranking
 * is the native pair scores sorted, and bad input gets each protocol's own error shape.
 */
class StandaloneProtocolsTest {

    private static final VitConfig VIT_CONFIG = TinyVitCheckpoints.TINY;
    private static final PatchTstConfig SERIES_CONFIG = TinyPatchTstCheckpoints.TINY;
    private static final String VIT = "tiny-vit";
    private static final String SERIES = "tiny-patchtst";
    private static final double SAME = 1e-6;

    @TempDir static Path dataDir;
    @TempDir static Path vitCheckpoint;
    @TempDir static Path seriesCheckpoint;
    private static StandaloneServer server;
    private static WebTestClient client;
    private static final Map<String, String> ids = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        TinyVitCheckpoints.write(
                vitCheckpoint, VIT_CONFIG, TinyVitCheckpoints.randomWeights(VIT_CONFIG, 31));
        Files.writeString(
                vitCheckpoint.resolve("preprocessor_config.json"),
                "{\"image_processor_type\":\"ViTImageProcessor\",\"do_resize\":true,"
                        + "\"size\":{\"height\":8,\"width\":8},\"do_rescale\":true,"
                        + "\"rescale_factor\":0.00392156862745098,\"do_normalize\":true,"
                        + "\"image_mean\":[0.5,0.5,0.5],\"image_std\":[0.5,0.5,0.5]}");
        TinyPatchTstCheckpoints.write(
                seriesCheckpoint,
                SERIES_CONFIG,
                TinyPatchTstCheckpoints.randomWeights(SERIES_CONFIG, 71));
        server =
                StandaloneServer.start(
                        dataDir,
                        "--fmplex.worker.checkpoints." + VIT + "=" + vitCheckpoint,
                        "--fmplex.worker.checkpoints." + SERIES + "=" + seriesCheckpoint);
        client = server.client();
        vfm("emb", BACKBONE, "{\"kind\":\"embedding\",\"pooling\":\"mean\",\"normalize\":true}");
        vfm(
                "raw-emb",
                BACKBONE,
                "{\"kind\":\"embedding\",\"pooling\":\"mean\",\"normalize\":false}");
        vfm("intent", BACKBONE, "{\"kind\":\"classification\",\"labels\":[\"other\",\"match\"]}");
        upload(client, ids.get("intent"), PeftFiles.loraClassifier(5, 2, PeftFiles.HIDDEN))
                .expectStatus()
                .isCreated();
        vfm("vit-emb", VIT, "{\"kind\":\"embedding\"}");
        vfm("forecast", SERIES, "{\"kind\":\"forecasting\",\"horizon\":3}");
        RandomLoraTask forecaster =
                new RandomLoraTask(
                        Layout.patchTst(SERIES_CONFIG, "head.projection"),
                        2,
                        EnumSet.of(Projection.QUERY, Projection.INTERMEDIATE),
                        3,
                        SERIES_CONFIG.dModel(),
                        81);
        upload(client, ids.get("forecast"), forecaster.files(true, false))
                .expectStatus()
                .isCreated();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void vfm(String name, String backbone, String task) {
        ids.put(
                name,
                createVfm(
                        client,
                        "{\"name\":\""
                                + name
                                + "\",\"backbone\":\""
                                + backbone
                                + "\",\"task\":"
                                + task
                                + "}"));
    }

    // ---- Open Inference Protocol v2 ----

    @Test
    void oipInferOnTextEqualsTheNativeEmbeddingsAndClassifications() {
        List<String> texts = List.of("where is my parcel", "cancel the order please");
        String tensor = tensor("text", "BYTES", List.of(2L), quoted(texts));

        Map<String, Object> embedding =
                oipInfer("emb", "{\"id\":\"q-7\",\"inputs\":[" + tensor + "]}");
        assertThat(embedding.get("model_name")).isEqualTo("emb");
        assertThat(embedding.get("model_version")).isEqualTo("1");
        assertThat(embedding.get("id")).isEqualTo("q-7");
        Map<String, Object> vectors = output(embedding, "embedding");
        assertThat(vectors.get("shape")).isEqualTo(List.of(2, 384));
        assertThat(vectors.get("datatype")).isEqualTo("FP32");
        assertClose(
                numbers(vectors.get("data")), flatEmbeddings(nativeOutputs("emb", quoted(texts))));

        Map<String, Object> classified = oipInfer("intent", "{\"inputs\":[" + tensor + "]}");
        List<Map<String, Object>> expected = nativeOutputs("intent", quoted(texts));
        List<Double> scores = new ArrayList<>();
        List<Object> labels = new ArrayList<>();
        for (Map<String, Object> output : expected) {
            Map<?, ?> byLabel = (Map<?, ?>) output.get("scores");
            scores.add(((Number) byLabel.get("other")).doubleValue());
            scores.add(((Number) byLabel.get("match")).doubleValue());
            labels.add(output.get("label"));
        }
        assertThat(output(classified, "scores").get("shape")).isEqualTo(List.of(2, 2));
        assertClose(numbers(output(classified, "scores").get("data")), scores);
        assertThat(output(classified, "label").get("data")).isEqualTo(labels);
        assertThat(output(classified, "label").get("datatype")).isEqualTo("BYTES");

        Map<String, Object> onlyLabels =
                oipInfer(
                        "intent",
                        "{\"inputs\":[" + tensor + "],\"outputs\":[{\"name\":\"label\"}]}");
        assertThat((List<?>) onlyLabels.get("outputs")).hasSize(1);
    }

    @Test
    void oipInferOnAVitEqualsTheNativePixelsPath() {
        Random random = new Random(3);
        int channels = VIT_CONFIG.channels();
        int size = VIT_CONFIG.imageSize();
        List<String> flat = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            List<String> planes = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                List<String> rows = new ArrayList<>();
                for (int y = 0; y < size; y++) {
                    List<String> row = new ArrayList<>();
                    for (int x = 0; x < size; x++) {
                        String value = Float.toString((float) random.nextGaussian());
                        row.add(value);
                        flat.add(value);
                    }
                    rows.add("[" + String.join(",", row) + "]");
                }
                planes.add("[" + String.join(",", rows) + "]");
            }
            images.add("{\"pixels\":[" + String.join(",", planes) + "]}");
        }
        Map<String, Object> reply =
                oipInfer(
                        "vit-emb",
                        "{\"inputs\":["
                                + tensor(
                                        "pixels",
                                        "FP32",
                                        List.of(2L, (long) channels, (long) size, (long) size),
                                        String.join(",", flat))
                                + "]}");

        assertThat(output(reply, "embedding").get("shape"))
                .isEqualTo(List.of(2, VIT_CONFIG.hiddenSize()));
        assertClose(
                numbers(output(reply, "embedding").get("data")),
                flatEmbeddings(nativeOutputs("vit-emb", String.join(",", images))));
        metadata("vit-emb")
                .jsonPath("$.inputs[0].name")
                .isEqualTo("pixels")
                .jsonPath("$.inputs[0].shape")
                .isEqualTo(List.of(-1, channels, size, size));
    }

    @Test
    void oipInferOnAPatchTstForecasterEqualsTheNativeForecast() {
        List<String> series = new ArrayList<>();
        List<String> flat = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            double[][] values = TinyPatchTstCheckpoints.randomSeries(SERIES_CONFIG, 90 + n);
            List<String> steps = new ArrayList<>();
            for (double[] step : values) {
                List<String> row = new ArrayList<>();
                for (double value : step) {
                    row.add(Double.toString(value));
                    flat.add(Double.toString(value));
                }
                steps.add("[" + String.join(",", row) + "]");
            }
            series.add("[" + String.join(",", steps) + "]");
        }
        long context = SERIES_CONFIG.contextLength();
        long channels = SERIES_CONFIG.channels();
        Map<String, Object> reply =
                oipInfer(
                        "forecast",
                        "{\"inputs\":["
                                + tensor(
                                        "series",
                                        "FP32",
                                        List.of(2L, context, channels),
                                        String.join(",", flat))
                                + "]}");

        List<Double> expected = new ArrayList<>();
        for (Map<String, Object> output : nativeOutputs("forecast", String.join(",", series))) {
            for (Object step : (List<?>) output.get("forecast")) {
                expected.addAll(numbers(step));
            }
        }
        assertThat(output(reply, "forecast").get("shape")).isEqualTo(List.of(2, 3, (int) channels));
        assertClose(numbers(output(reply, "forecast").get("data")), expected);
        metadata("forecast")
                .jsonPath("$.inputs[0].shape")
                .isEqualTo(List.of(-1, (int) context, (int) channels))
                .jsonPath("$.outputs[0].shape")
                .isEqualTo(List.of(-1, 3, (int) channels));
    }

    @Test
    void oipHealthIsOpenAndModelsReportTheirTensorsAndReadiness() {
        WebTestClient anonymous = StandaloneServer.clientAt(server.baseUrl(), null);
        anonymous
                .get()
                .uri("/v2/health/live")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.live")
                .isEqualTo(true);
        anonymous
                .get()
                .uri("/v2/health/ready")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.ready")
                .isEqualTo(true);
        anonymous
                .get()
                .uri("/v2/models/emb")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.error")
                .isNotEmpty();
        client.get()
                .uri("/v2")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.name")
                .isEqualTo("fmplex");
        metadata("intent")
                .jsonPath("$.name")
                .isEqualTo("intent")
                .jsonPath("$.versions")
                .isEqualTo(List.of("1"))
                .jsonPath("$.inputs[0].name")
                .isEqualTo("text")
                .jsonPath("$.inputs[0].datatype")
                .isEqualTo("BYTES")
                .jsonPath("$.outputs[0].name")
                .isEqualTo("scores")
                .jsonPath("$.outputs[0].shape")
                .isEqualTo(List.of(-1, 2))
                .jsonPath("$.outputs[1].name")
                .isEqualTo("label");
        client.get()
                .uri("/v2/models/intent/ready")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.ready")
                .isEqualTo(true);
        String paused =
                createVfm(
                        client,
                        "{\"name\":\"paused\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\"}}");
        post(client, "/vfms/" + paused + "/pause", "{}").expectStatus().isOk();
        client.get()
                .uri("/v2/models/paused/ready")
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.error")
                .value(message -> assertThat((String) message).contains("PAUSED"));
    }

    // ---- TEI routes and vLLM's classify ----

    @Test
    void teiEmbedEqualsNativeByPathOrHeaderAndNormalizesOnRequest() {
        List<String> texts = List.of("refund status", "track my order");
        List<Double> expected = flatEmbeddings(nativeOutputs("emb", quoted(texts)));
        String body = "{\"inputs\":[" + quoted(texts) + "]}";
        assertClose(flatten(json(post(client, "/tei/emb/embed", body))), expected);
        assertClose(
                flatten(
                        json(
                                client.post()
                                        .uri("/embed")
                                        .header("X-FMplex-Model", "emb")
                                        .contentType(MediaType.APPLICATION_JSON)
                                        .bodyValue(body)
                                        .exchange())),
                expected);

        // A vFM that does not normalize: TEI's default normalize=true L2-normalizes its vectors.
        List<Map<String, Object>> raw = nativeOutputs("raw-emb", quoted(texts));
        List<Object> normalized = json(post(client, "/tei/raw-emb/embed", body));
        List<Object> asIs =
                json(
                        post(
                                client,
                                "/tei/raw-emb/embed",
                                "{\"inputs\":[" + quoted(texts) + "],\"normalize\":false}"));
        for (int i = 0; i < texts.size(); i++) {
            List<Double> vector = numbers(raw.get(i).get("embedding"));
            double norm = Math.sqrt(vector.stream().mapToDouble(v -> v * v).sum());
            assertThat(norm).as("the raw vector is not unit length").isGreaterThan(1.01);
            List<Double> unit = vector.stream().map(v -> v / norm).toList();
            assertClose(numbers(normalized.get(i)), unit);
            assertClose(numbers(asIs.get(i)), vector);
        }
        client.get()
                .uri("/tei/intent/info")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.model_id")
                .isEqualTo("intent")
                .jsonPath("$.model_type.classifier.id2label.1")
                .isEqualTo("match")
                .jsonPath("$.max_input_length")
                .isEqualTo(256);
        client.get()
                .uri("/info")
                .header("X-FMplex-Model", "emb")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.model_type.embedding.pooling")
                .isEqualTo("mean");
    }

    @Test
    void sentencePairsAndRerankingEqualTheNativePairScores() {
        String query = "how do I get my money back";
        List<String> texts =
                List.of(
                        "Refunds are issued within five days.",
                        "Our office is in Lyon.",
                        "Returns need the original receipt.");
        String pairs =
                String.join(
                        ",",
                        texts.stream()
                                .map(text -> "[\"" + query + "\",\"" + text + "\"]")
                                .toList());
        List<Map<String, Object>> nativePairs = nativeOutputs("intent", pairs);
        List<Map<String, Object>> nativeConcatenated =
                nativeOutputs("intent", "\"" + query + " " + texts.get(0) + "\"");
        assertThat(score(nativePairs.get(0), "match"))
                .as("segment ids change the answer")
                .isNotCloseTo(score(nativeConcatenated.get(0), "match"), within(1e-6));

        List<Object> ranks =
                json(
                        post(
                                client,
                                "/tei/intent/rerank",
                                "{\"query\":\""
                                        + query
                                        + "\",\"texts\":["
                                        + quoted(texts)
                                        + "],\"return_text\":true}"));
        assertThat(ranks).hasSize(3);
        double previous = Double.POSITIVE_INFINITY;
        for (Object entry : ranks) {
            Map<?, ?> rank = (Map<?, ?>) entry;
            int index = ((Number) rank.get("index")).intValue();
            double relevance = ((Number) rank.get("score")).doubleValue();
            assertThat(relevance).isCloseTo(score(nativePairs.get(index), "match"), within(SAME));
            assertThat(relevance).isLessThanOrEqualTo(previous);
            assertThat(rank.get("text")).isEqualTo(texts.get(index));
            previous = relevance;
        }

        // TEI's /predict: one pair answers a list of labels, best first; a batch a list per input.
        List<Object> single =
                json(
                        post(
                                client,
                                "/tei/intent/predict",
                                "{\"inputs\":[\"" + query + "\",\"" + texts.get(0) + "\"]}"));
        Map<?, ?> best = (Map<?, ?>) single.get(0);
        assertThat(((Number) best.get("score")).doubleValue())
                .isCloseTo(score(nativePairs.get(0), (String) best.get("label")), within(SAME));
        assertThat(((Number) best.get("score")).doubleValue())
                .isGreaterThanOrEqualTo(
                        ((Number) ((Map<?, ?>) single.get(1)).get("score")).doubleValue());
        List<Object> batch = json(postFor("intent", "/predict", "{\"inputs\":[" + pairs + "]}"));
        assertThat(batch).hasSize(3);

        // vLLM's classify: probabilities in label order.
        Map<String, Object> classified =
                json(
                        post(
                                client,
                                "/classify",
                                "{\"model\":\"intent\",\"input\":[" + quoted(texts) + "]}"));
        List<Map<String, Object>> nativeTexts = nativeOutputs("intent", quoted(texts));
        List<?> data = (List<?>) classified.get("data");
        for (int i = 0; i < texts.size(); i++) {
            Map<?, ?> item = (Map<?, ?>) data.get(i);
            assertThat(item.get("label")).isEqualTo(nativeTexts.get(i).get("label"));
            assertThat(item.get("num_classes")).isEqualTo(2);
            assertClose(
                    numbers(item.get("probs")),
                    List.of(
                            score(nativeTexts.get(i), "other"),
                            score(nativeTexts.get(i), "match")));
        }
        assertThat(((Map<?, ?>) classified.get("usage")).get("prompt_tokens")).isNotNull();
    }

    // ---- Bad input, in each protocol's shape ----

    @Test
    void everyBadInputGetsThePreciseErrorOfItsProtocolAndTheServerKeepsServing() {
        List<String> expected =
                flatEmbeddings(nativeOutputs("emb", "\"bystander\"")).stream()
                        .map(String::valueOf)
                        .toList();
        String tooMany = quoted(java.util.Collections.nCopies(65, "x"));
        String longText = "word ".repeat(400);
        String huge = "x".repeat(5 * 1024 * 1024);

        // OpenAI: {"error": {message, type, param, code}}, the native statuses.
        openAi("/v1/embeddings", "{\"model\":\"emb\",\"input\":[]}", 400, "input", "at least 1");
        openAi(
                "/v1/embeddings",
                "{\"model\":\"emb\",\"input\":[\"ok\",42]}",
                400,
                "input[1]",
                "input[1] must be a string");
        openAi(
                "/v1/embeddings",
                "{\"model\":\"emb\",\"input\":{\"a\":1}}",
                400,
                "input",
                "an object");
        openAi(
                "/v1/embeddings",
                "{\"model\":\"emb\",\"input\":[" + tooMany + "]}",
                413,
                "input",
                "limit is 64");
        openAi(
                "/v1/embeddings",
                "{\"model\":\"emb\",\"input\":\"" + longText + "\",\"truncate\":false}",
                413,
                "input",
                "tokens; the limit is 256");
        openAi(
                "/v1/embeddings",
                "{\"model\":\"emb\",\"input\":[[101,-3,102]]}",
                422,
                "input[0][1]",
                "token id");
        openAi(
                "/v1/embeddings",
                "{\"model\":\"vit-emb\",\"input\":\"text\"}",
                422,
                "input",
                "takes");
        openAi(
                "/v1/embeddings",
                "{\"model\":\"intent\",\"input\":\"text\"}",
                400,
                "model",
                "classification");
        openAi(
                "/v1/embeddings",
                "{\"model\":\"nope\",\"input\":\"x\"}",
                404,
                "model",
                "no model 'nope'");
        openAi("/v1/embeddings", "{\"input\":\"x\"}", 400, "model", "model is required");
        openAi(
                "/v1/embeddings",
                "{\"model\":\"emb\",\"input\":\"x\",\"encoding_format\":\"hex\"}",
                400,
                "encoding_format",
                "base64");
        openAi(
                "/v1/embeddings",
                "{\"model\":\"emb\",\"input\":[\"unterminated\"",
                400,
                null,
                "not valid JSON");
        openAi(
                "/v1/embeddings",
                "{\"model\":\"emb\",\"input\":\"" + huge + "\"}",
                413,
                null,
                "exceeds the server's limit");
        openAi("/classify", "{\"model\":\"emb\",\"input\":\"x\"}", 400, "model", "embedding");

        // TEI: {"error", "error_type"}.
        tei("/tei/emb/embed", "{\"inputs\":[]}", 400, "inputs must hold at least 1");
        tei("/tei/emb/embed", "{\"inputs\":[\"ok\",42]}", 400, "inputs[1] must be a string");
        tei("/tei/emb/embed", "{\"inputs\":[" + tooMany + "]}", 413, "limit is 64");
        tei("/tei/emb/embed", "{\"inputs\":\"" + longText + "\"}", 413, "the limit is 256");
        tei(
                "/tei/emb/embed",
                "{\"inputs\":\"x\",\"truncation_direction\":\"Left\"}",
                400,
                "truncation_direction");
        tei("/tei/emb/predict", "{\"inputs\":\"x\"}", 400, "classification and regression");
        tei(
                "/tei/intent/predict",
                "{\"inputs\":[[\"a\",\"b\",\"c\"]]}",
                400,
                "inputs[0] is an array; a sentence pair is exactly 2 strings");
        tei("/tei/intent/predict", "{\"inputs\":\"x\",\"raw_scores\":true}", 400, "raw_scores");
        tei("/tei/intent/rerank", "{\"query\":\"q\",\"texts\":[]}", 400, "texts is required");
        tei(
                "/tei/intent/rerank",
                "{\"query\":\"q\",\"texts\":[\"a\",7]}",
                400,
                "texts[1] must be a string");
        tei("/tei/nope/embed", "{\"inputs\":\"x\"}", 404, "no model 'nope'");
        tei("/embed", "{\"inputs\":\"x\"}", 400, "X-FMplex-Model");
        tei("/tei/emb/embed", "{\"inputs\":[\"unterminated\"", 400, "not valid JSON");

        // Open Inference Protocol: {"error": "..."}.
        String text = "\"name\":\"text\",\"datatype\":\"BYTES\"";
        oip("emb", "{\"inputs\":[]}", 400, "exactly 1 tensor");
        oip(
                "emb",
                "{\"inputs\":[{" + text + ",\"shape\":[3],\"data\":[\"a\",\"b\"]}]}",
                400,
                "holds 2 values; shape [3] needs 3");
        oip(
                "emb",
                "{\"inputs\":[{\"name\":\"pixels\",\"datatype\":\"FP32\",\"shape\":[1],"
                        + "\"data\":[1]}]}",
                400,
                "takes text (BYTES [-1])");
        oip(
                "emb",
                "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"FP32\",\"shape\":[1],"
                        + "\"data\":[1]}]}",
                400,
                "datatype must be BYTES");
        oip(
                "emb",
                "{\"inputs\":[{" + text + ",\"shape\":[2],\"data\":[\"ok\",4]}]}",
                400,
                "data[1] must be a string");
        oip(
                "emb",
                "{\"inputs\":[{" + text + ",\"shape\":[65],\"data\":[" + tooMany + "]}]}",
                413,
                "limit is 64");
        oip(
                "emb",
                "{\"parameters\":{\"truncate\":false},\"inputs\":[{"
                        + text
                        + ",\"shape\":[1],\"data\":[\""
                        + longText
                        + "\"]}]}",
                413,
                "inputs[0].data[0] is 402 tokens");
        oip(
                "vit-emb",
                "{\"inputs\":[{\"name\":\"pixels\",\"datatype\":\"FP32\","
                        + "\"shape\":[1,3,8,7],\"data\":[]}]}",
                400,
                "shape[3] must be 8");
        oip(
                "forecast",
                "{\"inputs\":[{\"name\":\"series\",\"datatype\":\"FP32\","
                        + "\"shape\":[1,11,2],\"data\":[]}]}",
                400,
                "shape[1] must be 12");
        oip(
                "emb",
                "{\"inputs\":[{"
                        + text
                        + ",\"shape\":[1],\"data\":[\"a\"]}],"
                        + "\"outputs\":[{\"name\":\"logits\"}]}",
                400,
                "'logits' is not an output");
        oip("nope", "{\"inputs\":[]}", 404, "no model 'nope'");
        oip("emb", "{\"inputs\":[", 400, "not valid JSON");

        // After all of that, the same vFM still answers the same.
        assertThat(
                        flatEmbeddings(nativeOutputs("emb", "\"bystander\"")).stream()
                                .map(String::valueOf)
                                .toList())
                .isEqualTo(expected);
    }

    private static void openAi(String uri, String body, int status, String param, String says) {
        WebTestClient.BodyContentSpec error =
                post(client, uri, body)
                        .expectStatus()
                        .isEqualTo(status)
                        .expectHeader()
                        .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                        .expectBody()
                        .jsonPath("$.error.message")
                        .value(
                                message ->
                                        assertThat((String) message)
                                                .as(body.length() > 200 ? uri : body)
                                                .contains(says))
                        .jsonPath("$.error.type")
                        .isNotEmpty()
                        .jsonPath("$.error.code")
                        .isNotEmpty();
        if (param == null) {
            error.jsonPath("$.error.param").isEmpty();
        } else {
            error.jsonPath("$.error.param").isEqualTo(param);
        }
    }

    private static void tei(String uri, String body, int status, String says) {
        post(client, uri, body)
                .expectStatus()
                .isEqualTo(status)
                .expectBody()
                .jsonPath("$.error")
                .value(message -> assertThat((String) message).as(uri).contains(says))
                .jsonPath("$.error_type")
                .isEqualTo(status == 404 ? "NotFound" : "Validation");
    }

    private static void oip(String model, String body, int status, String says) {
        post(client, "/v2/models/" + model + "/infer", body)
                .expectStatus()
                .isEqualTo(status)
                .expectBody()
                .jsonPath("$.error")
                .value(message -> assertThat((String) message).as(model).contains(says));
    }

    // ---- helpers ----

    private static WebTestClient.ResponseSpec postFor(String model, String uri, String body) {
        return client.post()
                .uri(uri)
                .header("X-FMplex-Model", model)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private static String tensor(String name, String datatype, List<Long> shape, String data) {
        return "{\"name\":\""
                + name
                + "\",\"datatype\":\""
                + datatype
                + "\",\"shape\":"
                + shape
                + ",\"data\":["
                + data
                + "]}";
    }

    private static String quoted(List<String> texts) {
        return String.join(",", texts.stream().map(text -> "\"" + text + "\"").toList());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> oipInfer(String model, String body) {
        return json(post(client, "/v2/models/" + model + "/infer", body));
    }

    private static WebTestClient.BodyContentSpec metadata(String model) {
        return client.get()
                .uri("/v2/models/" + model)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> output(Map<String, Object> reply, String name) {
        return ((List<Map<String, Object>>) reply.get("outputs"))
                .stream()
                        .filter(output -> name.equals(output.get("name")))
                        .findFirst()
                        .orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> nativeOutputs(String vfm, String inputs) {
        Map<String, Object> reply =
                json(
                        post(
                                client,
                                "/vfms/" + ids.get(vfm) + "/infer",
                                "{\"inputs\":[" + inputs + "]}"));
        return (List<Map<String, Object>>) reply.get("outputs");
    }

    @SuppressWarnings("unchecked")
    private static <T> T json(WebTestClient.ResponseSpec response) {
        return (T)
                response.expectStatus()
                        .isOk()
                        .expectBody(Object.class)
                        .returnResult()
                        .getResponseBody();
    }

    private static List<Double> flatEmbeddings(List<Map<String, Object>> outputs) {
        List<Double> flat = new ArrayList<>();
        for (Map<String, Object> output : outputs) {
            flat.addAll(numbers(output.get("embedding")));
        }
        return flat;
    }

    private static List<Double> flatten(List<Object> rows) {
        List<Double> flat = new ArrayList<>();
        for (Object row : rows) {
            flat.addAll(numbers(row));
        }
        return flat;
    }

    private static List<Double> numbers(Object list) {
        return ((List<?>) list).stream().map(value -> ((Number) value).doubleValue()).toList();
    }

    private static double score(Map<String, Object> output, String label) {
        return ((Number) ((Map<?, ?>) output.get("scores")).get(label)).doubleValue();
    }

    private static void assertClose(List<Double> actual, List<Double> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("value %d", i).isCloseTo(expected.get(i), within(SAME));
        }
    }
}
