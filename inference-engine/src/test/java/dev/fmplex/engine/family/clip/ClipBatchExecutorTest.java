package dev.fmplex.engine.family.clip;

import static dev.fmplex.engine.nn.ReferenceVectors.softmax;
import static dev.fmplex.engine.nn.ReferenceVectors.unit;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.RowResult;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.peft.RandomLoraTask;
import dev.fmplex.engine.extension.peft.RandomLoraTask.Layout;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.family.vit.TinyVitCheckpoints;
import dev.fmplex.engine.family.vit.VitConfig;
import dev.fmplex.engine.image.ImageInput;
import dev.fmplex.engine.input.InvalidInputException;
import dev.fmplex.engine.input.InvalidInputException.Reason;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.api.ClassificationOutput;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.task.ZeroShotClassificationTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CLIP through the path a worker uses: a {@code CLIPModel} checkpoint directory with its tokenizer
 * loaded by {@link ClipFamily}, embedding and zero-shot vFMs imported from PEFT files (LoRA on both
 * towers), texts and images prepared from a request, one mixed batch. Every output equals a
 * plain-Java CLIP ({@link ReferenceClip}) on the vFM's merged weights; a zero-shot vFM answers the
 * label whose prompt embedding is closest to the image's.
 */
class ClipBatchExecutorTest {

    private static final ClipConfig CONFIG = TinyClipCheckpoints.TINY;
    private static final List<String> LABELS = List.of("cat", "dog", "bird");

    @TempDir Path checkpoint;

    private Map<String, HostTensor> base;
    private ClipServedBackbone runtime;
    private final List<VfmModel> models = new ArrayList<>();

    @BeforeEach
    void writeCheckpoint() throws Exception {
        base = TinyClipCheckpoints.randomWeights(CONFIG, 91);
        TinyClipCheckpoints.write(checkpoint, CONFIG, base);
    }

    /** The backbone as a worker loads it, batches running on {@code execution}. */
    private void load(ExecutionPath execution) throws Exception {
        runtime = new ClipFamily().load("tiny-clip", checkpoint, options(execution));
    }

    private static BackboneLoadOptions options(ExecutionPath execution) {
        return new BackboneLoadOptions(Device.cpu(), 77, execution, 2);
    }

    @AfterEach
    void close() {
        models.forEach(VfmModel::release);
        if (runtime != null) {
            runtime.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionPath.class)
    void textsAndImagesOfMixedVfmsInOneBatchEqualTheirDedicatedModels(ExecutionPath execution)
            throws Exception {
        load(execution);
        Layout layout = Layout.clip(16, 32, 2);
        RandomLoraTask frozen = new RandomLoraTask(layout, 1, Set.of(), 0, 0, 1);
        RandomLoraTask adapted =
                new RandomLoraTask(
                        layout,
                        2,
                        EnumSet.of(Projection.QUERY, Projection.VALUE, Projection.INTERMEDIATE),
                        0,
                        0,
                        2);
        RandomLoraTask zeroShotAdapted =
                new RandomLoraTask(layout, 3, EnumSet.allOf(Projection.class), 0, 0, 3);
        VfmModel plainEmbed = load("plain-embed", new EmbeddingTask(null, true), frozen);
        VfmModel loraEmbed = load("lora-embed", new EmbeddingTask(null, false), adapted);
        ZeroShotClassificationTask zeroShotTask = new ZeroShotClassificationTask(LABELS, null);
        VfmModel zeroShot = load("zero-shot", zeroShotTask, frozen);
        VfmModel loraZeroShot = load("lora-zero-shot", zeroShotTask, zeroShotAdapted);

        List<ModelInput> inputs =
                runtime.prepare(
                        new InferRequest(
                                List.of(
                                        "A photo of a cat.",
                                        "the red car",
                                        pixels(0),
                                        pixels(1),
                                        pixels(2)),
                                null),
                        new EmbeddingTask(null, null),
                        5);
        // The tokenizer.json is applied as transformers would: start, words, end.
        assertThat(((EncodedText) inputs.get(0)).ids())
                .containsExactly(TinyClipCheckpoints.ids("A photo of a cat."));
        List<BatchRow> rows =
                List.of(
                        new BatchRow(plainEmbed, inputs.get(0)),
                        new BatchRow(loraEmbed, inputs.get(1)),
                        new BatchRow(plainEmbed, inputs.get(2)),
                        new BatchRow(loraEmbed, inputs.get(3)),
                        new BatchRow(zeroShot, inputs.get(2)),
                        new BatchRow(loraZeroShot, inputs.get(4)));

        BatchResult result = runtime.execute(rows);

        // plain-embed and zero-shot share image 0's backbone row.
        assertThat(result.backboneRows()).isEqualTo(5);
        double maxDiff = 0;
        for (int r = 0; r < rows.size(); r++) {
            assertThat(result.results().get(r)).isInstanceOf(RowResult.Success.class);
            Object output = ((RowResult.Success) result.results().get(r)).output();
            VfmModel vfm = rows.get(r).vfm();
            RandomLoraTask task =
                    vfm == loraEmbed ? adapted : vfm == loraZeroShot ? zeroShotAdapted : frozen;
            ReferenceClip reference = new ReferenceClip(CONFIG, task.mergedOnHost(base));
            ModelInput input = rows.get(r).input();
            double[] expected =
                    input instanceof EncodedText text
                            ? reference.textFeatures(text.ids())
                            : reference.imageFeatures(((ImageInput) input).pixels());
            if (output instanceof EmbeddingOutput embedding) {
                if (((EmbeddingTask) vfm.task()).normalize()) {
                    expected = unit(expected);
                }
                for (int j = 0; j < expected.length; j++) {
                    maxDiff = Math.max(maxDiff, Math.abs(embedding.embedding()[j] - expected[j]));
                }
            } else {
                ClassificationOutput classified = (ClassificationOutput) output;
                double[] image = unit(expected);
                double[] logits = new double[LABELS.size()];
                int closest = 0;
                for (int k = 0; k < LABELS.size(); k++) {
                    double[] label =
                            unit(
                                    reference.textFeatures(
                                            TinyClipCheckpoints.ids(
                                                    "a photo of a " + LABELS.get(k) + ".")));
                    for (int j = 0; j < image.length; j++) {
                        logits[k] += image[j] * label[j];
                    }
                }
                for (int k = 0; k < LABELS.size(); k++) {
                    closest = logits[k] > logits[closest] ? k : closest;
                }
                for (int k = 0; k < LABELS.size(); k++) {
                    logits[k] *= reference.logitScale();
                }
                assertThat(classified.label()).isEqualTo(LABELS.get(closest));
                double[] probabilities = softmax(logits);
                for (int k = 0; k < LABELS.size(); k++) {
                    maxDiff =
                            Math.max(
                                    maxDiff,
                                    Math.abs(
                                            classified.scores().get(LABELS.get(k))
                                                    - probabilities[k]));
                }
            }
        }
        System.out.printf(
                "CLIP mixed vFMs vs dedicated plain-Java models (%s): max abs diff %.2e%n",
                execution.settingName(), maxDiff);
        assertThat(maxDiff).isLessThanOrEqualTo(1e-4);
    }

    @ParameterizedTest
    @EnumSource(ExecutionPath.class)
    void aConfigsOwnEndOfTextIdChoosesWhereTextIsPooled(
            ExecutionPath execution, @TempDir Path other) throws Exception {
        // eos_token_id "." (not the legacy 2): pooled at the first ".", not at the largest id.
        long period = TinyClipCheckpoints.WORDS.indexOf(".");
        ClipConfig.Text text = CONFIG.text();
        ClipConfig config =
                new ClipConfig(
                        new ClipConfig.Text(
                                text.hiddenSize(),
                                text.layers(),
                                text.attentionHeads(),
                                text.intermediateSize(),
                                text.vocabSize(),
                                text.maxPositions(),
                                text.layerNormEps(),
                                text.quickGelu(),
                                (int) period),
                        CONFIG.vision(),
                        CONFIG.projectionDim());
        TinyClipCheckpoints.write(other, config, base);
        String sentence = "a cat. the dog";
        try (ClipServedBackbone periodPooled =
                new ClipFamily().load("period-clip", other, options(execution))) {
            VfmModel embed =
                    periodPooled
                            .importer()
                            .load(
                                    "e",
                                    1,
                                    new EmbeddingTask(null, false),
                                    Map.of(),
                                    periodPooled.root());
            try {
                List<ModelInput> inputs =
                        periodPooled.prepare(
                                new InferRequest(List.of(sentence), null), embed.task(), 1);
                float[] pooled =
                        ((EmbeddingOutput)
                                        ((RowResult.Success)
                                                        periodPooled
                                                                .execute(
                                                                        List.of(
                                                                                new BatchRow(
                                                                                        embed,
                                                                                        inputs.get(
                                                                                                0))))
                                                                .results()
                                                                .get(0))
                                                .output())
                                .embedding();
                long[] ids = TinyClipCheckpoints.ids(sentence);
                double[] expected = new ReferenceClip(config, base).textFeatures(ids);
                double[] legacy = new ReferenceClip(CONFIG, base).textFeatures(ids);
                double diff = 0;
                double legacyDiff = 0;
                for (int j = 0; j < expected.length; j++) {
                    diff = Math.max(diff, Math.abs(pooled[j] - expected[j]));
                    legacyDiff = Math.max(legacyDiff, Math.abs(pooled[j] - legacy[j]));
                }
                assertThat(diff).isLessThanOrEqualTo(1e-4);
                assertThat(legacyDiff).isGreaterThan(1e-3);
            } finally {
                embed.release();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionPath.class)
    void aZeroShotVfmRefusesTextAndATrainedHead(ExecutionPath execution) throws Exception {
        load(execution);
        ZeroShotClassificationTask task = new ZeroShotClassificationTask(LABELS, "an {}");
        try {
            runtime.prepare(new InferRequest(List.of(pixels(0), "a cat"), null), task, 2);
            throw new AssertionError("text was accepted");
        } catch (InvalidInputException e) {
            assertThat(e.reason()).isEqualTo(Reason.WRONG_MODALITY);
            assertThat(e.field()).isEqualTo("inputs[1]");
        }
        RandomLoraTask headed =
                new RandomLoraTask(
                        new Layout(16, 32, 2, "", List.of(), l -> "", "classifier"),
                        1,
                        Set.of(),
                        3,
                        8,
                        4);
        try {
            runtime.importer().load("z", 1, task, headed.files(false, false), runtime.root());
            throw new AssertionError("a head was accepted");
        } catch (dev.fmplex.engine.extension.peft.ArtifactException e) {
            assertThat(e.getMessage()).contains("builds its head from its label prompts");
        }
    }

    private VfmModel load(String id, TaskSpec task, RandomLoraTask vfm) throws Exception {
        VfmModel model =
                runtime.importer().load(id, 1, task, vfm.files(false, false), runtime.root());
        models.add(model);
        return model;
    }

    /** An image as a request carries a preprocessed tensor. */
    private static Map<String, Object> pixels(long seed) {
        VitConfig shape = new VitConfig(16, 1, 4, 32, 8, 4, 3, 1e-5f);
        float[] values = TinyVitCheckpoints.randomPixels(shape, 1, seed);
        List<Object> planes = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            List<Object> rowsOut = new ArrayList<>();
            for (int y = 0; y < 8; y++) {
                List<Object> row = new ArrayList<>();
                for (int x = 0; x < 8; x++) {
                    row.add((double) values[(c * 8 + y) * 8 + x]);
                }
                rowsOut.add(row);
            }
            planes.add(rowsOut);
        }
        return Map.of("pixels", planes);
    }
}
