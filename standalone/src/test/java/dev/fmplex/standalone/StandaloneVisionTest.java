package dev.fmplex.standalone;

import static dev.fmplex.engine.nn.ReferenceVectors.softmax;
import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.expectProblem;
import static dev.fmplex.standalone.ApiCalls.post;
import static dev.fmplex.standalone.ApiCalls.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.extension.peft.RandomLoraTask;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.family.vit.TinyVitCheckpoints;
import dev.fmplex.engine.family.vit.VitConfig;
import dev.fmplex.engine.family.vit.VitEncoder;
import dev.fmplex.engine.family.vit.VitParameterNames;
import dev.fmplex.engine.nn.Projection;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A ViT backbone through the whole product over real HTTP: a worker loads a Hugging Face ViT
 * checkpoint directory beside the bundled text backbone, vFMs get PEFT versions, base64 PNGs are
 * classified and embedded, and the answers equal a direct computation with the adapter merged into
 * the weights. Bad image inputs get precise problems and disturb nothing.
 */
class StandaloneVisionTest {

    private static final VitConfig CONFIG = TinyVitCheckpoints.TINY;
    private static final String VIT = "tiny-vit";

    @TempDir static Path dataDir;
    @TempDir static Path checkpoint;
    private static StandaloneServer server;
    private static Map<String, HostTensor> baseWeights;

    @BeforeAll
    static void start() throws Exception {
        baseWeights = TinyVitCheckpoints.randomWeights(CONFIG, 31);
        TinyVitCheckpoints.write(checkpoint, CONFIG, baseWeights);
        Files.writeString(
                checkpoint.resolve("preprocessor_config.json"),
                "{\"image_processor_type\":\"ViTImageProcessor\",\"do_resize\":true,"
                        + "\"size\":{\"height\":8,\"width\":8},\"do_rescale\":true,"
                        + "\"rescale_factor\":0.00392156862745098,\"do_normalize\":true,"
                        + "\"image_mean\":[0.5,0.5,0.5],\"image_std\":[0.5,0.5,0.5]}");
        server =
                StandaloneServer.start(
                        dataDir, "--fmplex.worker.checkpoints." + VIT + "=" + checkpoint);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theVitBackboneIsListedWithItsModalityAndPatches() {
        server.client()
                .get()
                .uri("/backbones")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$[?(@.name == '" + VIT + "')].family")
                .isEqualTo(List.of("vit"))
                .jsonPath("$[?(@.name == '" + VIT + "')].modality")
                .isEqualTo(List.of("image"))
                .jsonPath("$[?(@.name == '" + VIT + "')].maxInputTokens")
                .isEqualTo(List.of(CONFIG.sequenceLength()))
                .jsonPath("$[?(@.name == '" + VIT + "')].inputShape")
                .isEqualTo(List.of(Map.of("channels", 3, "imageSize", 8)))
                .jsonPath("$[?(@.name == '" + BACKBONE + "')].inputShape")
                .isEqualTo(List.of(Map.of()));
    }

    @Test
    void aLoraClassifierAndAFrozenEmbeddingServeImagesAsTheirDedicatedModels() throws Exception {
        WebTestClient client = server.client();
        RandomLoraTask classifier =
                RandomLoraTask.vit(
                        CONFIG,
                        2,
                        EnumSet.of(Projection.QUERY, Projection.VALUE, Projection.OUTPUT),
                        3,
                        41);
        String classifierId =
                createVfm(
                        client,
                        "{\"name\":\"pets\",\"backbone\":\""
                                + VIT
                                + "\",\"task\":{\"kind\":\"classification\","
                                + "\"labels\":[\"cat\",\"dog\",\"bird\"]}}");
        upload(client, classifierId, classifier.files(true, false)).expectStatus().isCreated();
        String embeddingId =
                createVfm(
                        client,
                        "{\"name\":\"image-search\",\"backbone\":\""
                                + VIT
                                + "\",\"task\":{\"kind\":\"embedding\",\"pooling\":\"cls\"}}");

        BufferedImage image = gradient(8, 8);
        String png = base64(image);
        Map<?, ?> classified =
                post(
                                client,
                                "/vfms/" + classifierId + "/infer",
                                "{\"inputs\":[{\"image\":\"" + png + "\"}]}")
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        Map<?, ?> output = (Map<?, ?>) ((List<?>) classified.get("outputs")).get(0);
        Map<?, ?> scores = (Map<?, ?>) output.get("scores");

        float[] pixels = preprocessed(image);
        double[] logits = classifier.head(dedicatedCls(classifier, pixels));
        double[] expected = softmax(logits);
        List<String> labels = List.of("cat", "dog", "bird");
        int best = 0;
        for (int c = 0; c < 3; c++) {
            assertThat(((Number) scores.get(labels.get(c))).doubleValue())
                    .isCloseTo(expected[c], within(1e-4));
            best = expected[c] > expected[best] ? c : best;
        }
        assertThat(output.get("label")).isEqualTo(labels.get(best));

        // One fan-out call, one image, both vFMs; the frozen one is the plain backbone's CLS.
        Map<?, ?> fanOut =
                post(
                                client,
                                "/infer",
                                "{\"vfms\":[\""
                                        + embeddingId
                                        + "\",\""
                                        + classifierId
                                        + "\"],\"inputs\":[{\"image\":\""
                                        + png
                                        + "\"}]}")
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        List<?> results = (List<?>) fanOut.get("results");
        List<?> embedding =
                (List<?>)
                        ((Map<?, ?>) ((List<?>) ((Map<?, ?>) results.get(0)).get("outputs")).get(0))
                                .get("embedding");
        float[] frozen =
                dedicatedCls(
                        RandomLoraTask.vit(CONFIG, 1, EnumSet.noneOf(Projection.class), 0, 1),
                        pixels);
        double norm = 0;
        for (float value : frozen) {
            norm += value * value;
        }
        assertThat(embedding).hasSize(CONFIG.hiddenSize());
        for (int j = 0; j < frozen.length; j++) {
            assertThat(((Number) embedding.get(j)).doubleValue())
                    .isCloseTo(frozen[j] / Math.sqrt(norm), within(1e-4));
        }
    }

    @Test
    void badImageInputsGetPreciseProblemsAndDisturbNothing() throws Exception {
        WebTestClient client = server.client();
        String id =
                createVfm(
                        client,
                        "{\"name\":\"strict\",\"backbone\":\""
                                + VIT
                                + "\",\"task\":{\"kind\":\"embedding\"}}");
        String infer = "/vfms/" + id + "/infer";
        expectProblem(
                        post(client, infer, "{\"inputs\":[\"a photo of a cat\"]}"),
                        422,
                        "wrong-modality",
                        "inputs[0]")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("takes images"));
        expectProblem(
                post(client, infer, "{\"inputs\":[{\"image\":\"@@@\"}]}"),
                422,
                "undecodable-input",
                "inputs[0].image");
        String large = base64(gradient(12, 12));
        expectProblem(
                        post(
                                client,
                                infer,
                                "{\"inputs\":[{\"image\":\""
                                        + large
                                        + "\"}],\"imageSize\":\"exact\"}"),
                        422,
                        "wrong-input-shape",
                        "inputs[0].image")
                .jsonPath("$.actual")
                .isEqualTo(List.of(12, 12));
        expectProblem(
                        post(
                                client,
                                infer,
                                "{\"inputs\":[{\"image\":\""
                                        + large
                                        + "\"}],\"imageSize\":\"crop\"}"),
                        400,
                        "invalid-request",
                        "imageSize")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("[resize, exact]"));
        expectProblem(
                post(client, infer, "{\"inputs\":[{\"pixels\":[[[0.5]]]}]}"),
                422,
                "wrong-input-shape",
                "inputs[0].pixels");
        // An image sent to a text vFM is of the wrong modality too.
        String text =
                createVfm(
                        client,
                        "{\"name\":\"texts\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\"}}");
        expectProblem(
                post(
                        client,
                        "/vfms/" + text + "/infer",
                        "{\"inputs\":[{\"image\":\"" + large + "\"}]}"),
                422,
                "wrong-modality",
                "inputs[0]");
        // Token classification labels text tokens: refused on an image backbone at creation.
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"boxes\",\"backbone\":\""
                                + VIT
                                + "\",\"task\":{\"kind\":\"token-classification\","
                                + "\"labels\":[\"a\",\"b\"]}}"),
                422,
                "invalid-task",
                "task.kind");

        // The same vFM still serves, a resized image included.
        post(client, infer, "{\"inputs\":[{\"image\":\"" + large + "\"}]}")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.outputs[0].embedding.length()")
                .isEqualTo(CONFIG.hiddenSize());
    }

    /** The CLS features of the vFM's dedicated model: merged weights, one image, final norm. */
    private static float[] dedicatedCls(RandomLoraTask vfm, float[] pixels) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> base = TinyVitCheckpoints.toArrays(baseWeights, manager);
            VitEncoder encoder =
                    new VitEncoder(VitParameterNames.parameters(CONFIG, vfm.merged(base, manager)));
            NDArray input =
                    manager.create(
                            pixels,
                            new Shape(
                                    1, CONFIG.channels(), CONFIG.imageSize(), CONFIG.imageSize()));
            return encoder.encode(input).get(new NDIndex(":, 0, :")).toFloatArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** ViTImageProcessor on an image at the model's size: (value / 255 - 0.5) / 0.5. */
    private static float[] preprocessed(BufferedImage image) {
        int size = CONFIG.imageSize();
        float[] pixels = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = image.getRGB(x, y);
                int[] channels = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                for (int c = 0; c < 3; c++) {
                    pixels[(c * size + y) * size + x] = (float) ((channels[c] / 255.0 - 0.5) / 0.5);
                }
            }
        }
        return pixels;
    }

    private static BufferedImage gradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 29) << 16 | (y * 31) << 8 | ((x + y) * 13));
            }
        }
        return image;
    }

    private static String base64(BufferedImage image) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
