package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.expectProblem;
import static dev.fmplex.standalone.ApiCalls.multipart;
import static dev.fmplex.standalone.ApiCalls.post;
import static dev.fmplex.standalone.ApiCalls.upload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.engine.family.bert.TinyBertCheckpoints;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * Task kinds and versions over real HTTP: a classifier vFM waits for its first version, bad
 * artifacts are refused with 422 and change nothing, good PEFT uploads become new versions that
 * serve at once, and a restart serves the same version from the stored artifacts.
 */
class StandaloneVersionsTest {

    @TempDir static Path dataDir;
    private static StandaloneServer server;

    @BeforeAll
    static void start() {
        server = StandaloneServer.start(dataDir);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aClassifierGetsVersionsFromPeftUploadsAndKeepsThemAcrossARestart() throws Exception {
        WebTestClient client = server.client();
        Map<String, Object> created =
                post(
                                client,
                                "/vfms",
                                "{\"name\":\"sentiment\",\"backbone\":\""
                                        + BACKBONE
                                        + "\",\"task\":{\"kind\":\"classification\",\"labels\":[\"neg\",\"pos\"]}}")
                        .expectStatus()
                        .isCreated()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        String id = (String) created.get("id");
        assertThat(created).containsEntry("state", "CREATED").containsEntry("version", 0);
        expectProblem(
                post(client, "/vfms/" + id + "/infer", "{\"inputs\":[\"great\"]}"),
                409,
                "vfm-not-serving",
                null);

        expectProblem(
                        upload(client, id, PeftFiles.loraClassifier(1, 2, 16)),
                        422,
                        "invalid-artifact",
                        "files[adapter_model.safetensors]")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("adapter for another base"));
        expectProblem(
                        upload(client, id, PeftFiles.loraClassifier(1, 3, PeftFiles.HIDDEN)),
                        422,
                        "invalid-artifact",
                        "files")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("3 rows but task.labels names 2"));
        Map<String, byte[]> withUnknown =
                new LinkedHashMap<>(PeftFiles.loraClassifier(1, 2, PeftFiles.HIDDEN));
        withUnknown.put("pytorch_model.bin", new byte[] {1, 2, 3});
        expectProblem(
                upload(client, id, withUnknown),
                422,
                "invalid-artifact",
                "files[pytorch_model.bin]");
        Map<String, byte[]> nan =
                new LinkedHashMap<>(PeftFiles.loraClassifier(1, 2, PeftFiles.HIDDEN));
        float[] bad = new float[2 * PeftFiles.HIDDEN];
        bad[7] = Float.NaN;
        nan.put("head.safetensors", headFile(bad, SafetensorsDType.F32));
        expectProblem(upload(client, id, nan), 422, "invalid-artifact", "files[head.safetensors]")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("NaN"));
        assertStillWithoutAVersion(client, id);

        upload(client, id, PeftFiles.loraClassifier(1, 2, PeftFiles.HIDDEN))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(1)
                .jsonPath("$.state")
                .isEqualTo("ACTIVE")
                .jsonPath("$.residentBytes")
                .isEqualTo(PeftFiles.LORA_CLASSIFIER_BYTES);
        Map<String, Double> v1 = scores(client, id, 1);
        assertThat(v1.values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));

        upload(client, id, PeftFiles.loraClassifier(2, 2, PeftFiles.HIDDEN))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(2);
        Map<String, Double> v2 = scores(client, id, 2);
        assertThat(v2).isNotEqualTo(v1);

        List<Map<String, Object>> versionsBefore = versions(client, id);
        assertThat(versionsBefore).hasSize(2);
        assertThat((List<Map<String, Object>>) versionsBefore.get(1).get("files"))
                .extracting(f -> f.get("name"))
                .containsExactly("adapter_config.json", "adapter_model.safetensors");
        assertThat(
                        ((List<Map<String, Object>>) versionsBefore.get(1).get("files"))
                                .get(1)
                                .get("sha256"))
                .isEqualTo(
                        sha256(
                                PeftFiles.loraClassifier(2, 2, PeftFiles.HIDDEN)
                                        .get("adapter_model.safetensors")));

        client.post().uri("/vfms/{id}/pause", id).exchange().expectStatus().isOk();

        server.close();
        server = StandaloneServer.start(dataDir);
        client = server.client();
        expectProblem(
                post(client, "/vfms/" + id + "/infer", "{\"inputs\":[\"I love it\"]}"),
                409,
                "vfm-not-serving",
                null);
        client.post().uri("/vfms/{id}/resume", id).exchange().expectStatus().isOk();
        assertThat(versions(client, id))
                .as("versions and checksums after a restart")
                .isEqualTo(versionsBefore);
        client.get()
                .uri("/vfms/{id}", id)
                .exchange()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(2)
                .jsonPath("$.state")
                .isEqualTo("ACTIVE")
                .jsonPath("$.residentBytes")
                .isEqualTo(PeftFiles.LORA_CLASSIFIER_BYTES);
        assertThat(scores(client, id, 2)).isEqualTo(v2);
    }

    /**
     * Issue 3's list of broken artifacts, over HTTP: each a 422 naming its file and the reason; the
     * target stays without a version and another vFM answers exactly as before.
     */
    @Test
    void everyKindOfBrokenAdapterIs422NamingItsFileAndLeavesOtherVfmsAlone() {
        WebTestClient client = server.client();
        String bystander =
                createVfm(
                        client,
                        "{\"name\":\"bystander\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\"}}");
        List<?> before = embedding(client, bystander);
        String id =
                createVfm(
                        client,
                        "{\"name\":\"broken-adapters\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"classification\",\"labels\":[\"neg\",\"pos\"]}}");
        String adapter = "adapter_model.safetensors";
        String config = "adapter_config.json";

        Map<String, byte[]> sevenLayers =
                PeftFiles.loraClassifier(1, 2, PeftFiles.HIDDEN, PeftFiles.HIDDEN, 7);
        Map<String, byte[]> unknownModule = replacing(config, "\"query\",", "\"q_proj\",");
        Map<String, byte[]> rankMismatch =
                PeftFiles.loraClassifier(1, 2, PeftFiles.HIDDEN, PeftFiles.HIDDEN, 6, 3);
        Map<String, byte[]> truncated = valid();
        byte[] full = truncated.get(adapter);
        truncated.put(adapter, java.util.Arrays.copyOf(full, full.length - 10));
        Map<String, byte[]> lying = valid();
        byte[] header = lying.get(adapter).clone();
        java.nio.ByteBuffer.wrap(header).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        lying.put(adapter, header);
        Map<String, byte[]> integers = valid();
        integers.put(
                "head.safetensors",
                headFile(new float[2 * PeftFiles.HIDDEN], SafetensorsDType.I32));

        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put("layer count", new Object[] {sevenLayers, adapter, "adapter for another base"});
        cases.put("target module", new Object[] {unknownModule, config, "unknown target module"});
        cases.put("rank", new Object[] {rankMismatch, adapter, "lora_A/lora_B rank mismatch"});
        cases.put("truncated", new Object[] {truncated, adapter, "data section"});
        cases.put("lying header", new Object[] {lying, adapter, "header length field says"});
        cases.put("dtype", new Object[] {integers, "head.safetensors", "supported are F32"});
        cases.forEach(
                (what, c) -> {
                    @SuppressWarnings("unchecked")
                    Map<String, byte[]> files = (Map<String, byte[]>) c[0];
                    expectProblem(
                                    upload(client, id, files),
                                    422,
                                    "invalid-artifact",
                                    "files[" + c[1] + "]")
                            .jsonPath("$.detail")
                            .value(d -> assertThat((String) d).as(what).contains((String) c[2]));
                });

        assertStillWithoutAVersion(client, id);
        assertThat(versions(client, id)).isEmpty();
        assertThat(embedding(client, bystander)).isEqualTo(before);
    }

    private static void assertStillWithoutAVersion(WebTestClient client, String id) {
        client.get()
                .uri("/vfms/{id}", id)
                .exchange()
                .expectBody()
                .jsonPath("$.state")
                .isEqualTo("CREATED")
                .jsonPath("$.version")
                .isEqualTo(0);
    }

    /** A {@code head.safetensors} of a 2-label head on MiniLM with these values and dtype. */
    private static byte[] headFile(float[] values, SafetensorsDType dtype) {
        return TinyBertCheckpoints.safetensors(
                Map.of("weight", new HostTensor(new long[] {2, PeftFiles.HIDDEN}, values, dtype)));
    }

    private static Map<String, byte[]> valid() {
        return new LinkedHashMap<>(PeftFiles.loraClassifier(1, 2, PeftFiles.HIDDEN));
    }

    private static Map<String, byte[]> replacing(String file, String from, String to) {
        Map<String, byte[]> files = valid();
        String text = new String(files.get(file), java.nio.charset.StandardCharsets.UTF_8);
        files.put(file, PeftFiles.utf8(text.replace(from, to)));
        return files;
    }

    @Test
    void aPromptTunedVersionChangesAnEmbeddingVfm() {
        WebTestClient client = server.client();
        String id =
                createVfm(
                        client,
                        "{\"name\":\"prompted\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\"}}");
        List<?> before = embedding(client, id);
        upload(client, id, PeftFiles.promptTuning(3, 4))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(2)
                .jsonPath("$.residentBytes")
                .isEqualTo(4 * PeftFiles.HIDDEN * 4);
        assertThat(embedding(client, id)).hasSize(PeftFiles.HIDDEN).isNotEqualTo(before);
    }

    @Test
    void tasksAreCheckedAgainstTheBackbone() {
        WebTestClient client = server.client();
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"one\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"classification\",\"labels\":[\"only\"]}}"),
                422,
                "invalid-task",
                "task.labels");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"deep\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"regression\",\"layer\":7}}"),
                422,
                "invalid-task",
                "task.layer");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"dup\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"token-classification\",\"labels\":[\"O\",\"O\"]}}"),
                422,
                "invalid-task",
                "task.labels[1]");
        expectProblem(
                client.post()
                        .uri("/vfms/00000000-0000-0000-0000-000000000000/versions")
                        .body(
                                BodyInserters.fromMultipartData(
                                        multipart(PeftFiles.promptTuning(1, 2))))
                        .exchange(),
                404,
                "unknown-vfm",
                "id");
    }

    static List<Map<String, Object>> versions(WebTestClient client, String id) {
        return client.get()
                .uri("/vfms/{id}/versions", id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(
                        new org.springframework.core.ParameterizedTypeReference<
                                List<Map<String, Object>>>() {})
                .returnResult()
                .getResponseBody();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static Map<String, Double> scores(WebTestClient client, String id, int version) {
        Map<String, Object> response =
                post(client, "/vfms/" + id + "/infer", "{\"inputs\":[\"I love it\"]}")
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        assertThat(response).containsEntry("version", version);
        Map<String, Object> output = ((List<Map<String, Object>>) response.get("outputs")).get(0);
        assertThat(output.get("label")).isIn("neg", "pos");
        Map<String, Double> scores = new LinkedHashMap<>();
        ((Map<String, Number>) output.get("scores"))
                .forEach((k, v) -> scores.put(k, v.doubleValue()));
        return scores;
    }

    private static List<?> embedding(WebTestClient client, String id) {
        Map<String, Object> response =
                post(client, "/vfms/" + id + "/infer", "{\"inputs\":[\"hello\"]}")
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        return (List<?>)
                ((List<Map<String, Object>>) response.get("outputs")).get(0).get("embedding");
    }
}
