package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.expectProblem;
import static dev.fmplex.standalone.ApiCalls.post;
import static dev.fmplex.standalone.ApiCalls.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fmplex.engine.extension.peft.RandomLoraTask;
import dev.fmplex.engine.extension.peft.RandomLoraTask.Layout;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.family.patchtst.PatchTstConfig;
import dev.fmplex.engine.family.patchtst.ReferencePatchTst;
import dev.fmplex.engine.family.patchtst.TinyPatchTstCheckpoints;
import dev.fmplex.engine.nn.Projection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A PatchTST backbone through the whole product over real HTTP: a worker loads a transformers
 * PatchTST checkpoint directory beside the bundled text backbone, a LoRA forecaster gets its PEFT
 * version, and its forecast of a two-channel series equals the dedicated model computed in plain
 * Java. Missing values follow each vFM's policy; bad series get precise problems.
 */
class StandaloneSeriesTest {

    private static final PatchTstConfig CONFIG = TinyPatchTstCheckpoints.TINY;
    private static final String SERIES = "tiny-patchtst";

    @TempDir static Path dataDir;
    @TempDir static Path checkpoint;
    private static StandaloneServer server;
    private static Map<String, HostTensor> baseWeights;

    @BeforeAll
    static void start() throws Exception {
        baseWeights = TinyPatchTstCheckpoints.randomWeights(CONFIG, 71);
        TinyPatchTstCheckpoints.write(checkpoint, CONFIG, baseWeights);
        server =
                StandaloneServer.start(
                        dataDir, "--fmplex.worker.checkpoints." + SERIES + "=" + checkpoint);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aLoraForecasterForecastsEveryChannelAsItsDedicatedModel() {
        WebTestClient client = server.client();
        server.client()
                .get()
                .uri("/backbones")
                .exchange()
                .expectBody()
                .jsonPath("$[?(@.name == '" + SERIES + "')].modality")
                .isEqualTo(List.of("series"))
                .jsonPath("$[?(@.name == '" + SERIES + "')].maxInputTokens")
                .isEqualTo(List.of(CONFIG.channels() * CONFIG.positions()))
                .jsonPath("$[?(@.name == '" + SERIES + "')].inputShape")
                .isEqualTo(
                        List.of(
                                Map.of(
                                        "channels", 2,
                                        "classToken", 0,
                                        "contextLength", 12,
                                        "patches", 3)));
        RandomLoraTask forecaster =
                new RandomLoraTask(
                        Layout.patchTst(CONFIG, "head.projection"),
                        2,
                        EnumSet.of(Projection.QUERY, Projection.INTERMEDIATE),
                        3,
                        CONFIG.dModel(),
                        81);
        String id =
                createVfm(
                        client,
                        "{\"name\":\"load-forecast\",\"backbone\":\""
                                + SERIES
                                + "\",\"task\":{\"kind\":\"forecasting\",\"horizon\":3}}");
        upload(client, id, forecaster.files(true, false)).expectStatus().isCreated();
        double[][] series = TinyPatchTstCheckpoints.randomSeries(CONFIG, 82);

        Map<?, ?> reply =
                post(client, "/vfms/" + id + "/infer", "{\"inputs\":[" + json(series) + "]}")
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        List<?> forecast =
                (List<?>) ((Map<?, ?>) ((List<?>) reply.get("outputs")).get(0)).get("forecast");

        ReferencePatchTst reference =
                new ReferencePatchTst(CONFIG, forecaster.mergedOnHost(baseWeights));
        double[][][] hidden = reference.lastHiddenState(series);
        assertThat(forecast).hasSize(3);
        for (int c = 0; c < CONFIG.channels(); c++) {
            double[] pooled = new double[CONFIG.dModel()];
            for (double[] position : hidden[c]) {
                for (int j = 0; j < pooled.length; j++) {
                    pooled[j] += position[j] / hidden[c].length;
                }
            }
            double[] level = reference.scaler(series, c);
            double[] scaled = forecaster.head(pooled);
            for (int h = 0; h < 3; h++) {
                double value = ((Number) ((List<?>) forecast.get(h)).get(c)).doubleValue();
                assertThat(value).isCloseTo(scaled[h] * level[1] + level[0], within(1e-4));
            }
        }
    }

    @Test
    void missingValuesFollowEachVfmsPolicyAndBadSeriesGetPreciseProblems() {
        WebTestClient client = server.client();
        String strict =
                createVfm(
                        client,
                        "{\"name\":\"strict-series\",\"backbone\":\""
                                + SERIES
                                + "\",\"task\":{\"kind\":\"embedding\"}}");
        String lenient =
                createVfm(
                        client,
                        "{\"name\":\"lenient-series\",\"backbone\":\""
                                + SERIES
                                + "\",\"task\":{\"kind\":\"embedding\","
                                + "\"missingValues\":\"interpolate\"}}");
        double[][] series = TinyPatchTstCheckpoints.randomSeries(CONFIG, 90);
        String gappy = json(series).replaceFirst("\\[[^\\[\\]]*\\]", "[null,null]");
        // Step 0 is all missing: "reject" refuses it, "interpolate" fills it from step 1.
        expectProblem(
                        post(client, "/vfms/" + strict + "/infer", "{\"inputs\":[" + gappy + "]}"),
                        422,
                        "invalid-input-value",
                        "inputs[0][0][0]")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("task.missingValues is \"reject\""));
        post(client, "/vfms/" + lenient + "/infer", "{\"inputs\":[" + gappy + "]}")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.outputs[0].embedding.length()")
                .isEqualTo(CONFIG.channels() * CONFIG.dModel());
        // The vFMs prepare inputs differently: one fan-out cannot serve both.
        expectProblem(
                post(
                        client,
                        "/infer",
                        "{\"vfms\":[\""
                                + strict
                                + "\",\""
                                + lenient
                                + "\"],\"inputs\":["
                                + json(series)
                                + "]}"),
                400,
                "invalid-request",
                "vfms[1]");

        // No policy and an explicit "reject" are the same policy: they share a fan-out.
        String explicit =
                createVfm(
                        client,
                        "{\"name\":\"explicit-reject\",\"backbone\":\""
                                + SERIES
                                + "\",\"task\":{\"kind\":\"embedding\","
                                + "\"missingValues\":\"reject\"}}");
        post(
                        client,
                        "/infer",
                        "{\"vfms\":[\""
                                + strict
                                + "\",\""
                                + explicit
                                + "\"],\"inputs\":["
                                + json(series)
                                + "]}")
                .expectStatus()
                .isOk();
        expectProblem(
                        post(client, "/vfms/" + strict + "/infer", "{\"inputs\":[[1,2,3]]}"),
                        422,
                        "wrong-input-shape",
                        "inputs[0]")
                .jsonPath("$.expected")
                .isEqualTo(CONFIG.contextLength());
        expectProblem(
                post(client, "/vfms/" + strict + "/infer", "{\"inputs\":[\"rising\"]}"),
                422,
                "wrong-modality",
                "inputs[0]");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"no-horizon\",\"backbone\":\""
                                + SERIES
                                + "\",\"task\":{\"kind\":\"forecasting\"}}"),
                422,
                "invalid-task",
                "task.horizon");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"cls-series\",\"backbone\":\""
                                + SERIES
                                + "\",\"task\":{\"kind\":\"classification\","
                                + "\"labels\":[\"ok\",\"fault\"]}}"),
                422,
                "invalid-task",
                "task.pooling");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"text-forecast\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"forecasting\",\"horizon\":3}}"),
                422,
                "invalid-task",
                "task.kind");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"text-gaps\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\",\"missingValues\":\"mask\"}}"),
                422,
                "invalid-task",
                "task.missingValues");
        // Still serving after every refusal.
        post(client, "/vfms/" + strict + "/infer", "{\"inputs\":[" + json(series) + "]}")
                .expectStatus()
                .isOk();
    }

    /** A series as a request carries it: {@code [steps][channels]}. */
    private static String json(double[][] series) {
        List<String> steps = new ArrayList<>();
        for (double[] step : series) {
            List<String> values = new ArrayList<>();
            for (double value : step) {
                values.add(Double.toString(value));
            }
            steps.add("[" + String.join(",", values) + "]");
        }
        return "[" + String.join(",", steps) + "]";
    }
}
