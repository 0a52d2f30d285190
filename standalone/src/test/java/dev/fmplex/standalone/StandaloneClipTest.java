package dev.fmplex.standalone;

import static dev.fmplex.engine.nn.ReferenceVectors.unit;
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
import dev.fmplex.engine.family.clip.ClipConfig;
import dev.fmplex.engine.family.clip.ReferenceClip;
import dev.fmplex.engine.family.clip.TinyClipCheckpoints;
import dev.fmplex.engine.nn.Projection;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
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
 * A CLIP backbone through the whole product over real HTTP: a zero-shot vFM serves the moment it is
 * created and answers the label whose prompt embedding is closest to the image's, computed directly
 * in plain Java; an embedding vFM with LoRA on both towers embeds a text and an image of one
 * request into one space as its dedicated model does.
 */
class StandaloneClipTest {

    private static final ClipConfig CONFIG = TinyClipCheckpoints.TINY;
    private static final String CLIP = "tiny-clip";
    private static final List<String> LABELS = List.of("cat", "dog", "bird", "car");

    @TempDir static Path dataDir;
    @TempDir static Path checkpoint;
    private static StandaloneServer server;
    private static Map<String, HostTensor> baseWeights;

    @BeforeAll
    static void start() throws Exception {
        baseWeights = TinyClipCheckpoints.randomWeights(CONFIG, 101);
        TinyClipCheckpoints.write(checkpoint, CONFIG, baseWeights);
        server =
                StandaloneServer.start(
                        dataDir, "--fmplex.worker.checkpoints." + CLIP + "=" + checkpoint);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aZeroShotVfmAnswersTheLabelClosestToTheImage() throws Exception {
        WebTestClient client = server.client();
        String id =
                createVfm(
                        client,
                        "{\"name\":\"pets-zero-shot\",\"backbone\":\""
                                + CLIP
                                + "\",\"task\":{\"kind\":\"zero-shot-classification\","
                                + "\"labels\":[\"cat\",\"dog\",\"bird\",\"car\"],"
                                + "\"promptTemplate\":\"a photo of a {}.\"}}");
        ReferenceClip reference = new ReferenceClip(CONFIG, baseWeights);
        double[][] labels = new double[LABELS.size()][];
        for (int k = 0; k < LABELS.size(); k++) {
            labels[k] =
                    unit(
                            reference.textFeatures(
                                    TinyClipCheckpoints.ids(
                                            "a photo of a " + LABELS.get(k) + ".")));
        }
        for (int seed = 0; seed < 4; seed++) {
            BufferedImage image = noise(seed);
            Map<?, ?> reply =
                    post(
                                    client,
                                    "/vfms/" + id + "/infer",
                                    "{\"inputs\":[{\"image\":\"" + base64(image) + "\"}]}")
                            .expectStatus()
                            .isOk()
                            .expectBody(Map.class)
                            .returnResult()
                            .getResponseBody();
            Map<?, ?> output = (Map<?, ?>) ((List<?>) reply.get("outputs")).get(0);
            double[] embedded = unit(reference.imageFeatures(preprocessed(image)));
            int closest = 0;
            double[] cosines = new double[LABELS.size()];
            for (int k = 0; k < LABELS.size(); k++) {
                for (int j = 0; j < embedded.length; j++) {
                    cosines[k] += embedded[j] * labels[k][j];
                }
                closest = cosines[k] > cosines[closest] ? k : closest;
            }
            assertThat(output.get("label")).isEqualTo(LABELS.get(closest));
            double total = 0;
            for (double cosine : cosines) {
                total += Math.exp(reference.logitScale() * cosine);
            }
            double expected = Math.exp(reference.logitScale() * cosines[closest]) / total;
            assertThat(
                            ((Number) ((Map<?, ?>) output.get("scores")).get(LABELS.get(closest)))
                                    .doubleValue())
                    .isCloseTo(expected, within(1e-4));
        }
        expectProblem(
                post(client, "/vfms/" + id + "/infer", "{\"inputs\":[\"a cat\"]}"),
                422,
                "wrong-modality",
                "inputs[0]");
        // In a fan-out the text is prepared for the embedding vFM; the zero-shot one still refuses.
        String embedding =
                createVfm(
                        client,
                        "{\"name\":\"fan-embed\",\"backbone\":\""
                                + CLIP
                                + "\",\"task\":{\"kind\":\"embedding\"}}");
        expectProblem(
                post(
                        client,
                        "/infer",
                        "{\"vfms\":[\""
                                + embedding
                                + "\",\""
                                + id
                                + "\"],\"inputs\":[{\"image\":\""
                                + base64(noise(5))
                                + "\"},\"a cat\"]}"),
                422,
                "wrong-modality",
                "inputs[1]");
    }

    @Test
    void aLoraEmbeddingVfmPutsTextAndImagesOfOneRequestInOneSpace() throws Exception {
        WebTestClient client = server.client();
        RandomLoraTask adapter =
                new RandomLoraTask(
                        Layout.clip(16, 32, 2),
                        2,
                        EnumSet.of(Projection.QUERY, Projection.OUTPUT),
                        0,
                        0,
                        111);
        String id =
                createVfm(
                        client,
                        "{\"name\":\"multimodal-search\",\"backbone\":\""
                                + CLIP
                                + "\",\"task\":{\"kind\":\"embedding\",\"normalize\":true}}");
        upload(client, id, adapter.files(false, false)).expectStatus().isCreated();
        BufferedImage image = noise(9);

        Map<?, ?> reply =
                post(
                                client,
                                "/vfms/" + id + "/infer",
                                "{\"inputs\":[\"the red car\",{\"image\":\""
                                        + base64(image)
                                        + "\"}]}")
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        List<?> outputs = (List<?>) reply.get("outputs");
        ReferenceClip reference = new ReferenceClip(CONFIG, adapter.mergedOnHost(baseWeights));
        double[][] expected = {
            unit(reference.textFeatures(TinyClipCheckpoints.ids("the red car"))),
            unit(reference.imageFeatures(preprocessed(image)))
        };
        for (int i = 0; i < 2; i++) {
            List<?> embedding = (List<?>) ((Map<?, ?>) outputs.get(i)).get("embedding");
            assertThat(embedding).hasSize(CONFIG.projectionDim());
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(((Number) embedding.get(j)).doubleValue())
                        .isCloseTo(expected[i][j], within(1e-4));
            }
        }
    }

    @Test
    void tasksTheBackbonesCannotServeAreRefusedAtCreation() {
        WebTestClient client = server.client();
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"clip-classifier\",\"backbone\":\""
                                + CLIP
                                + "\",\"task\":{\"kind\":\"classification\",\"labels\":[\"a\",\"b\"]}}"),
                422,
                "invalid-task",
                "task.kind");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"text-zero-shot\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"zero-shot-classification\","
                                + "\"labels\":[\"a\",\"b\"]}}"),
                422,
                "invalid-task",
                "task.kind");
        expectProblem(
                post(
                        client,
                        "/vfms",
                        "{\"name\":\"no-slot\",\"backbone\":\""
                                + CLIP
                                + "\",\"task\":{\"kind\":\"zero-shot-classification\","
                                + "\"labels\":[\"a\",\"b\"],\"promptTemplate\":\"a photo\"}}"),
                422,
                "invalid-task",
                "task.promptTemplate");
    }

    /** CLIPImageProcessor on an image at the model's size: (value / 255 - mean) / std. */
    private static float[] preprocessed(BufferedImage image) {
        double[] mean = {0.48145466, 0.4578275, 0.40821073};
        double[] std = {0.26862954, 0.26130258, 0.27577711};
        int size = CONFIG.vision().imageSize();
        float[] pixels = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = image.getRGB(x, y);
                int[] channels = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                for (int c = 0; c < 3; c++) {
                    pixels[(c * size + y) * size + x] =
                            (float) ((channels[c] / 255.0 - mean[c]) / std[c]);
                }
            }
        }
        return pixels;
    }

    private static BufferedImage noise(long seed) {
        java.util.Random random = new java.util.Random(seed);
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
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
