package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.awaitFinished;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * Training jobs over REST on the real server (issue 18, head recipe): a classifier built from 96
 * labelled sentences of two topics, the result a normal version that tells unseen sentences apart;
 * bad datasets refused with the field and index before anything is stored; a job whose input the
 * backbone refuses fails with that example named and stores nothing; a job left running by a
 * stopped server is failed at the next start.
 */
class StandaloneTrainingJobTest {

    private static final String[] SPORT = {
        "The striker",
        "Our goalkeeper",
        "The home team",
        "The young sprinter",
        "The coach",
        "The captain",
        "The tennis champion",
        "The cyclist"
    };
    private static final String[] SPORT_ACTS = {
        "scored twice in the second half", "won the final on penalties",
        "trained hard before the match", "broke the national record in the relay",
        "was sent off after a foul", "lifted the cup in front of the fans"
    };
    private static final String[] COOKING = {
        "The chef",
        "My grandmother",
        "The baker",
        "The cook",
        "Our host",
        "The pastry student",
        "The waiter",
        "A home cook"
    };
    private static final String[] COOKING_ACTS = {
        "simmered the onions in butter until golden", "kneaded the dough and let it rise",
        "seasoned the soup with garlic and thyme", "roasted the vegetables in a hot oven",
        "whisked the eggs with sugar for the cake", "served the pasta with fresh basil"
    };

    @TempDir Path dataDir;

    private static String examples() {
        List<String> rows = new ArrayList<>();
        for (int s = 0; s < SPORT.length; s++) {
            for (int a = 0; a < SPORT_ACTS.length; a++) {
                rows.add(example(SPORT[s] + " " + SPORT_ACTS[a] + ".", "sport"));
                rows.add(example(COOKING[s] + " " + COOKING_ACTS[a] + ".", "cooking"));
            }
        }
        return String.join(",", rows);
    }

    private static String example(String text, String label) {
        return "{\"input\":\"" + text + "\",\"label\":\"" + label + "\"}";
    }

    @Test
    void aClassifierIsBuiltFromLabelledExamplesAndBadDatasetsStoreNothing() {
        String leftRunning;
        try (StandaloneServer server = StandaloneServer.start(dataDir)) {
            WebTestClient admin = server.client();
            String topics =
                    createVfm(
                            admin,
                            "{\"name\":\"topics\",\"backbone\":\""
                                    + BACKBONE
                                    + "\",\"task\":"
                                    + "{\"kind\":\"classification\","
                                    + "\"labels\":[\"sport\",\"cooking\"]}}");
            refusalsStoreNothing(admin, topics);

            Map<String, Object> submitted =
                    ApiCalls.post(
                                    admin,
                                    "/vfms/" + topics + "/training-jobs",
                                    "{\"recipe\":\"head\",\"seed\":7,\"examples\":["
                                            + examples()
                                            + "]}")
                            .expectStatus()
                            .isAccepted()
                            .expectHeader()
                            .valueMatches("Location", "/training-jobs/[0-9a-f-]{36}")
                            .expectBody(Map.class)
                            .returnResult()
                            .getResponseBody();
            assertThat(submitted.get("examples")).isEqualTo(96);
            Map<String, Object> done = awaitFinished(admin, (String) submitted.get("id"));
            assertThat(done.get("state"))
                    .as(String.valueOf(done.get("error")))
                    .isEqualTo("SUCCEEDED");
            assertThat(done.get("version")).isEqualTo(1);
            assertThat(done.get("featuresDone")).isEqualTo(96);
            @SuppressWarnings("unchecked")
            Map<String, Object> report = (Map<String, Object>) done.get("report");
            assertThat(((Number) report.get("accuracy")).doubleValue()).isGreaterThan(0.95);
            assertThat(report.get("labels")).isEqualTo(List.of("sport", "cooking"));
            assertThat(report.get("folds")).isEqualTo(5);
            assertThat((List<?>) report.get("candidates")).hasSize(6);
            @SuppressWarnings("unchecked")
            List<List<Number>> confusion = (List<List<Number>>) report.get("confusion");
            assertThat(confusion.stream().flatMap(List::stream).mapToLong(Number::longValue).sum())
                    .isEqualTo(96);

            // A normal version: serving, audited, its file listed with a checksum.
            admin.get()
                    .uri("/vfms/{id}", topics)
                    .exchange()
                    .expectBody()
                    .jsonPath("$.state")
                    .isEqualTo("ACTIVE")
                    .jsonPath("$.version")
                    .isEqualTo(1);
            admin.get()
                    .uri("/vfms/{id}/versions", topics)
                    .exchange()
                    .expectBody()
                    .jsonPath("$[0].files[0].name")
                    .isEqualTo("head.safetensors")
                    .jsonPath("$[0].files[0].sha256")
                    .isNotEmpty();
            List<String> unseen =
                    List.of(
                            "The referee stopped the game for a penalty kick.",
                            "She ran the marathon in under three hours.",
                            "Fry the garlic gently and add the tomatoes.",
                            "He baked bread with flour, water and salt.");
            List<String> expected = List.of("sport", "sport", "cooking", "cooking");
            for (int i = 0; i < unseen.size(); i++) {
                ApiCalls.post(
                                admin,
                                "/vfms/" + topics + "/infer",
                                "{\"inputs\":[\"" + unseen.get(i) + "\"]}")
                        .expectStatus()
                        .isOk()
                        .expectBody()
                        .jsonPath("$.outputs[0].label")
                        .isEqualTo(expected.get(i));
            }
            admin.get()
                    .uri("/vfms/{id}/training-jobs", topics)
                    .exchange()
                    .expectBody()
                    .jsonPath("$.length()")
                    .isEqualTo(1);

            // The same examples as a JSON Lines file: the same seed gives the same head.
            Map<String, Object> uploaded =
                    uploadJsonl(admin, topics, examples().replace("},{", "}\n{"), "{\"seed\":7}")
                            .expectStatus()
                            .isAccepted()
                            .expectBody(Map.class)
                            .returnResult()
                            .getResponseBody();
            Map<String, Object> again = awaitFinished(admin, (String) uploaded.get("id"));
            assertThat(again.get("state")).isEqualTo("SUCCEEDED");
            assertThat(again.get("version")).isEqualTo(2);
            assertThat(again.get("report")).isEqualTo(done.get("report"));
            expectProblem(
                            uploadJsonl(
                                    admin,
                                    topics,
                                    example("a", "sport")
                                            + "\n\n"
                                            + example("b", "cooking")
                                            + "\n{oops",
                                    null),
                            400,
                            "invalid-request",
                            "examples[2]")
                    .jsonPath("$.detail")
                    .value(d -> assertThat((String) d).contains("line 4"));
            expectProblem(
                            uploadJsonl(
                                    admin,
                                    topics,
                                    example("a", "sport")
                                            + "\n"
                                            + example("b", "politics")
                                            + "\n"
                                            + example("c", "sport")
                                            + "\n"
                                            + example("d", "cooking")
                                            + "\n"
                                            + example("e", "sport"),
                                    null),
                            400,
                            "invalid-request",
                            "examples[1].label")
                    .jsonPath("$.detail")
                    .value(d -> assertThat((String) d).contains("line 2 of the examples file"));

            // An input the backbone cannot take fails the job at that example; nothing stored.
            Map<String, Object> bad =
                    ApiCalls.post(
                                    admin,
                                    "/vfms/" + topics + "/training-jobs",
                                    "{\"examples\":["
                                            + example("a fine goal", "sport")
                                            + ","
                                            + example("a fine soup", "cooking")
                                            + ","
                                            + "{\"input\":{\"image\":\"AAAA\"},\"label\":\"sport\"},"
                                            + example("a fast race", "sport")
                                            + ","
                                            + example("a slow stew", "cooking")
                                            + "]}")
                            .expectStatus()
                            .isAccepted()
                            .expectBody(Map.class)
                            .returnResult()
                            .getResponseBody();
            Map<String, Object> failed = awaitFinished(admin, (String) bad.get("id"));
            assertThat(failed.get("state")).isEqualTo("FAILED");
            assertThat((String) failed.get("error"))
                    .contains("wrong-modality", "examples[2].input");
            admin.get()
                    .uri("/vfms/{id}", topics)
                    .exchange()
                    .expectBody()
                    .jsonPath("$.version")
                    .isEqualTo(2);

            // Unknown ids, and another tenant's view of this job: it does not exist.
            expectProblem(
                    admin.get().uri("/training-jobs/{id}", UUID.randomUUID()).exchange(),
                    404,
                    "unknown-training-job",
                    "id");
            ApiCalls.post(admin, "/tenants", "{\"name\":\"other\"}").expectStatus().isCreated();
            String otherKey =
                    (String)
                            ApiCalls.post(
                                            admin,
                                            "/keys",
                                            "{\"name\":\"o\",\"scope\":\"tenant-admin\",\"tenant\":\"other\"}")
                                    .expectStatus()
                                    .isCreated()
                                    .expectBody(Map.class)
                                    .returnResult()
                                    .getResponseBody()
                                    .get("key");
            expectProblem(
                    StandaloneServer.clientAt(server.baseUrl(), otherKey)
                            .get()
                            .uri("/training-jobs/{id}", submitted.get("id"))
                            .exchange(),
                    404,
                    "unknown-training-job",
                    "id");

            // A job the server was running when it stopped (written as a crash would leave it).
            leftRunning = UUID.randomUUID().toString();
            new JdbcTemplate(server.bean(DataSource.class))
                    .update(
                            "insert into training_jobs (id, vfm_id, recipe, state, examples,"
                                    + " created_at, started_at) values (?::uuid, ?::uuid, 'head',"
                                    + " 'RUNNING', 10, now(), now())",
                            leftRunning,
                            topics);
        }
        try (StandaloneServer server = StandaloneServer.start(dataDir)) {
            server.client()
                    .get()
                    .uri("/training-jobs/{id}", leftRunning)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.state")
                    .isEqualTo("FAILED")
                    .jsonPath("$.error")
                    .value(e -> assertThat((String) e).contains("submit it again"));
        }
    }

    private static void refusalsStoreNothing(WebTestClient admin, String topics) {
        String path = "/vfms/" + topics + "/training-jobs";
        expectProblem(
                ApiCalls.post(admin, path, "{\"examples\":[]}"),
                400,
                "invalid-request",
                "examples");
        expectProblem(
                ApiCalls.post(
                        admin, path, "{\"recipe\":\"prompt\",\"examples\":[" + examples() + "]}"),
                400,
                "invalid-request",
                "recipe");
        expectProblem(
                ApiCalls.post(
                        admin,
                        path,
                        "{\"examples\":["
                                + example("a", "sport")
                                + ","
                                + example("b", "politics")
                                + ","
                                + example("c", "sport")
                                + ","
                                + example("d", "cooking")
                                + ","
                                + example("e", "sport")
                                + "]}"),
                400,
                "invalid-request",
                "examples[1].label");
        StringBuilder oneLabel = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            oneLabel.append(i == 0 ? "" : ",").append(example("text " + i, "sport"));
        }
        expectProblem(
                ApiCalls.post(admin, path, "{\"examples\":[" + oneLabel + "]}"),
                400,
                "invalid-request",
                "examples");
        StringBuilder tooMany = new StringBuilder();
        for (int i = 0; i <= 2_000; i++) {
            tooMany.append(i == 0 ? "" : ",")
                    .append(example("t", i % 2 == 0 ? "sport" : "cooking"));
        }
        expectProblem(
                ApiCalls.post(admin, path, "{\"examples\":[" + tooMany + "]}"),
                400,
                "invalid-request",
                "examples");
        String embedder =
                createVfm(
                        admin,
                        "{\"name\":\"plain\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\"}}");
        expectProblem(
                ApiCalls.post(
                        admin,
                        "/vfms/" + embedder + "/training-jobs",
                        "{\"examples\":[" + examples() + "]}"),
                422,
                "invalid-task",
                "task.kind");
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
                        "{\"examples\":[{\"input\":\"x\",\"value\":1},{\"input\":\"y\"},"
                                + "{\"input\":\"z\",\"value\":2},{\"input\":\"w\",\"value\":3},"
                                + "{\"input\":\"v\",\"value\":4}]}"),
                400,
                "invalid-request",
                "examples[1].value");
        admin.get().uri(path).exchange().expectBody().jsonPath("$.length()").isEqualTo(0);
        admin.get()
                .uri("/vfms/{id}/versions", topics)
                .exchange()
                .expectBody()
                .jsonPath("$.length()")
                .isEqualTo(0);
    }

    /** {@code POST /vfms/{id}/training-jobs} as multipart: a JSONL file and optional settings. */
    private static WebTestClient.ResponseSpec uploadJsonl(
            WebTestClient client, String vfm, String jsonl, String options) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("examples", jsonl.getBytes(StandardCharsets.UTF_8)).filename("examples.jsonl");
        if (options != null) {
            body.part("options", options, MediaType.APPLICATION_JSON);
        }
        return client.post()
                .uri("/vfms/{id}/training-jobs", vfm)
                .body(BodyInserters.fromMultipartData(body.build()))
                .exchange();
    }
}
