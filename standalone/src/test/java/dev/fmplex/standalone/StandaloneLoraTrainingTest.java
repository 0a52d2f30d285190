package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The {@code lora} recipe over REST on the real server and the bundled MiniLM (issue 18): on a task
 * the frozen features do not separate (which of two words comes first, read by a head on the first
 * layer: the fitted head alone measured 62.5% and a loss of 0.696 on the validation split), LoRA on
 * the backbone lowers the validation loss far below that head, its warm start and baseline
 * (measured 0.0003, 100%); progress streams as Server-Sent Events; the version is PEFT files that
 * download byte for byte and, uploaded to another vFM, serve identical outputs; bad settings are
 * refused with their field before anything is stored.
 */
class StandaloneLoraTrainingTest {

    private static final String SENTIMENT =
            "{\"kind\":\"classification\",\"labels\":[\"negative\",\"positive\"],"
                    + "\"pooling\":\"mean\",\"layer\":1}";

    private static final int EXAMPLES = 120;
    private static final String LORA =
            "{\"rank\":8,\"alpha\":16,\"learningRate\":0.001,\"epochs\":20,\"patience\":5,"
                    + "\"targets\":[\"query\",\"key\",\"value\"]}";

    @TempDir Path dataDir;

    /**
     * Which of two words comes first: "north ... south" is positive, "south ... north" negative,
     * among the same filler words. The two classes hold the same words, so a head on the pooled
     * features of the first layer sees nearly the same bag of words for both; telling them apart
     * takes attention that relates positions, which LoRA on that layer's projections can learn.
     */
    private static List<String[]> orderTask() {
        String[] fillers = {
            "apple", "river", "stone", "cloud", "green", "music", "paper", "window", "table",
            "horse"
        };
        java.util.Random random = new java.util.Random(11);
        List<String[]> examples = new ArrayList<>();
        for (int i = 0; i < EXAMPLES; i++) {
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
                    new String[] {String.join(" ", words), positive ? "positive" : "negative"});
        }
        return examples;
    }

    private static String examplesJson(List<String[]> examples) {
        List<String> rows = new ArrayList<>();
        for (String[] e : examples) {
            rows.add("{\"input\":\"" + e[0] + "\",\"label\":\"" + e[1] + "\"}");
        }
        return "[" + String.join(",", rows) + "]";
    }

    @Test
    @SuppressWarnings("unchecked")
    void loraBeatsTheFrozenHeadAndItsPeftFilesServeTheSameElsewhere() throws Exception {
        try (StandaloneServer server = StandaloneServer.start(dataDir)) {
            WebTestClient admin = server.client();
            String sentiment =
                    createVfm(
                            admin,
                            "{\"name\":\"sentiment\",\"backbone\":\""
                                    + BACKBONE
                                    + "\",\"task\":"
                                    + SENTIMENT
                                    + "}");
            List<String[]> examples = orderTask();
            refusalsStoreNothing(admin, sentiment, examples);

            Map<String, Object> submitted =
                    ApiCalls.post(
                                    admin,
                                    "/vfms/" + sentiment + "/training-jobs",
                                    "{\"recipe\":\"lora\",\"seed\":7,\"lora\":"
                                            + LORA
                                            + ","
                                            + "\"examples\":"
                                            + examplesJson(examples)
                                            + "}")
                            .expectStatus()
                            .isAccepted()
                            .expectBody(Map.class)
                            .returnResult()
                            .getResponseBody();
            assertThat(submitted.get("recipe")).isEqualTo("lora");

            // Progress as Server-Sent Events, over real HTTP, until the job has finished.
            List<ServerSentEvent<Map<String, Object>>> events =
                    admin.mutate()
                            .responseTimeout(Duration.ofMinutes(10))
                            .build()
                            .get()
                            .uri("/training-jobs/{id}/events", submitted.get("id"))
                            .accept(MediaType.TEXT_EVENT_STREAM)
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .returnResult(
                                    new ParameterizedTypeReference<
                                            ServerSentEvent<Map<String, Object>>>() {})
                            .getResponseBody()
                            .collectList()
                            .block(Duration.ofMinutes(10));
            ServerSentEvent<Map<String, Object>> last = events.get(events.size() - 1);
            assertThat(last.event()).isEqualTo("finished");
            Map<String, Object> done = last.data();
            assertThat(done.get("state"))
                    .as(String.valueOf(done.get("error")))
                    .isEqualTo("SUCCEEDED");
            assertThat(events)
                    .as("an event while training, with its epoch")
                    .anySatisfy(
                            e -> {
                                assertThat(e.event()).isEqualTo("progress");
                                assertThat(e.data().get("phase")).isEqualTo("training");
                                assertThat(e.data().get("lastEpoch")).isNotNull();
                            });

            Map<String, Object> report = (Map<String, Object>) done.get("report");
            Map<String, Object> lora = (Map<String, Object>) report.get("lora");
            double head = ((Number) lora.get("headValidationLoss")).doubleValue();
            double trained = ((Number) lora.get("validationLoss")).doubleValue();
            System.out.printf(
                    "lora vs head on word order (validation %s examples): loss %.4f vs %.4f,"
                            + " accuracy %s vs %s, best epoch %s of %s: %s%n",
                    lora.get("validationExamples"),
                    trained,
                    head,
                    lora.get("validationAccuracy"),
                    lora.get("headValidationAccuracy"),
                    lora.get("bestEpoch"),
                    ((List<?>) lora.get("epochs")).size(),
                    lora.get("epochs"));
            assertThat(lora.get("trainingExamples")).isEqualTo(96);
            assertThat(lora.get("validationExamples")).isEqualTo(24);
            assertThat(((Number) lora.get("bestEpoch")).intValue()).isPositive();
            assertThat(head)
                    .as("the frozen features must not separate the task")
                    .isGreaterThan(0.5);
            assertThat(((Number) lora.get("headValidationAccuracy")).doubleValue()).isLessThan(0.8);
            assertThat(trained)
                    .as("LoRA's validation loss against the frozen head's")
                    .isLessThan(0.25 * head);
            assertThat(((Number) lora.get("validationAccuracy")).doubleValue()).isGreaterThan(0.9);
            assertThat(lora.get("targets")).isEqualTo(List.of("query", "key", "value"));

            // The version is PEFT files; each downloads byte for byte as listed.
            List<Map<String, Object>> files =
                    (List<Map<String, Object>>)
                            admin
                                    .get()
                                    .uri("/vfms/{id}/versions", sentiment)
                                    .exchange()
                                    .expectBody(List.class)
                                    .returnResult()
                                    .getResponseBody()
                                    .stream()
                                    .map(v -> ((Map<String, Object>) v).get("files"))
                                    .findFirst()
                                    .orElseThrow();
            Map<String, byte[]> downloaded = new LinkedHashMap<>();
            for (Map<String, Object> file : files) {
                String name = (String) file.get("name");
                byte[] bytes =
                        admin.get()
                                .uri(
                                        "/vfms/{id}/versions/{v}/files/{name}",
                                        sentiment,
                                        done.get("version"),
                                        name)
                                .exchange()
                                .expectStatus()
                                .isOk()
                                .expectBody(byte[].class)
                                .returnResult()
                                .getResponseBody();
                assertThat(
                                HexFormat.of()
                                        .formatHex(
                                                MessageDigest.getInstance("SHA-256").digest(bytes)))
                        .isEqualTo(file.get("sha256"));
                downloaded.put(name, bytes);
            }
            assertThat(downloaded)
                    .containsOnlyKeys("adapter_config.json", "adapter_model.safetensors");
            String config =
                    new String(downloaded.get("adapter_config.json"), StandardCharsets.UTF_8);
            assertThat(config)
                    .contains(
                            "\"peft_type\" : \"LORA\"", "\"modules_to_save\" : [ \"classifier\" ]");
            expectProblem(
                    admin.get()
                            .uri("/vfms/{id}/versions/{v}/files/{name}", sentiment, 1, "model.bin")
                            .exchange(),
                    404,
                    "unknown-file",
                    "name");
            expectProblem(
                    admin.get()
                            .uri(
                                    "/vfms/{id}/versions/{v}/files/{name}",
                                    sentiment,
                                    9,
                                    "adapter_config.json")
                            .exchange(),
                    404,
                    "unknown-file",
                    "version");

            // Uploaded to another vFM, the exported files serve exactly what the trained one does.
            String copy =
                    createVfm(
                            admin,
                            "{\"name\":\"sentiment-copy\",\"backbone\":\""
                                    + BACKBONE
                                    + "\",\"task\":"
                                    + SENTIMENT
                                    + "}");
            ApiCalls.upload(admin, copy, downloaded).expectStatus().isCreated();
            String probe =
                    "{\"inputs\":[\"north table music south apple\",\"cloud south north river\","
                            + "\"stone north green south\",\"south paper horse north\"]}";
            Map<String, Object> fromTrained = outputs(admin, sentiment, probe);
            Map<String, Object> fromCopy = outputs(admin, copy, probe);
            assertThat(fromCopy.get("outputs")).isEqualTo(fromTrained.get("outputs"));
            List<Map<String, Object>> predicted =
                    (List<Map<String, Object>>) fromTrained.get("outputs");
            assertThat(predicted.stream().map(o -> o.get("label")))
                    .containsExactly("positive", "negative", "positive", "negative");
        }
    }

    /**
     * A worker whose training budget is below the eager copy the job needs (the bundled backbone
     * serves on ONNX Runtime) fails the job before loading anything, saying what it would hold.
     */
    @Test
    void aJobOverTheWorkersTrainingBudgetFailsBeforeItLoadsAnything() {
        try (StandaloneServer server =
                StandaloneServer.start(dataDir, "--fmplex.worker.training-memory-mb=64")) {
            WebTestClient admin = server.client();
            String sentiment =
                    createVfm(
                            admin,
                            "{\"name\":\"sentiment\",\"backbone\":\""
                                    + BACKBONE
                                    + "\",\"task\":"
                                    + SENTIMENT
                                    + "}");
            Map<String, Object> submitted =
                    ApiCalls.post(
                                    admin,
                                    "/vfms/" + sentiment + "/training-jobs",
                                    "{\"recipe\":\"lora\",\"examples\":"
                                            + examplesJson(orderTask())
                                            + "}")
                            .expectStatus()
                            .isAccepted()
                            .expectBody(Map.class)
                            .returnResult()
                            .getResponseBody();
            Map<String, Object> failed =
                    ApiCalls.awaitFinished(admin, (String) submitted.get("id"));
            assertThat(failed.get("state")).isEqualTo("FAILED");
            assertThat((String) failed.get("error"))
                    .contains(
                            "training-over-budget at lora",
                            "eager copy of the backbone",
                            "training budget of 64 MB");
            admin.get()
                    .uri("/vfms/{id}/versions", sentiment)
                    .exchange()
                    .expectBody()
                    .jsonPath("$.length()")
                    .isEqualTo(0);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> outputs(WebTestClient client, String vfm, String body) {
        return ApiCalls.post(client, "/vfms/" + vfm + "/infer", body)
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    private static void refusalsStoreNothing(
            WebTestClient admin, String vfm, List<String[]> examples) {
        String path = "/vfms/" + vfm + "/training-jobs";
        String all = examplesJson(examples);
        expectProblem(
                ApiCalls.post(
                        admin,
                        path,
                        "{\"recipe\":\"lora\",\"lora\":{\"rank\":0},\"examples\":" + all + "}"),
                400,
                "invalid-request",
                "lora.rank");
        expectProblem(
                ApiCalls.post(
                        admin,
                        path,
                        "{\"recipe\":\"lora\",\"lora\":{\"targets\":[\"query\",\"gate\"]},"
                                + "\"examples\":"
                                + all
                                + "}"),
                400,
                "invalid-request",
                "lora.targets[1]");
        expectProblem(
                ApiCalls.post(
                        admin,
                        path,
                        "{\"recipe\":\"head\",\"lora\":{\"rank\":4},\"examples\":" + all + "}"),
                400,
                "invalid-request",
                "lora");
        List<String[]> withPair = new ArrayList<>(examples);
        String pair = "{\"input\":{\"text\":\"a\",\"textPair\":\"b\"},\"label\":\"positive\"}";
        expectProblem(
                ApiCalls.post(
                        admin,
                        path,
                        "{\"recipe\":\"lora\",\"examples\":["
                                + pair
                                + ","
                                + examplesJson(withPair).substring(1)
                                + "}"),
                400,
                "invalid-request",
                "examples[0].input");
        // One example of a label: nothing of it could be held out for validation.
        List<String[]> onePositive = new ArrayList<>();
        for (String[] e : examples) {
            if (e[1].equals("negative")) {
                onePositive.add(e);
            }
        }
        onePositive.add(new String[] {"the book was great", "positive"});
        expectProblem(
                ApiCalls.post(
                        admin,
                        path,
                        "{\"recipe\":\"lora\",\"examples\":" + examplesJson(onePositive) + "}"),
                400,
                "invalid-request",
                "examples");
        String scorer =
                createVfm(
                        admin,
                        "{\"name\":\"scorer\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"regression\"}}");
        expectProblem(
                ApiCalls.post(
                        admin,
                        "/vfms/" + scorer + "/training-jobs",
                        "{\"recipe\":\"lora\",\"examples\":[{\"input\":\"x\",\"value\":1}]}"),
                422,
                "invalid-task",
                "task.kind");
        admin.get().uri(path).exchange().expectBody().jsonPath("$.length()").isEqualTo(0);
    }
}
