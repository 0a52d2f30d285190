package dev.fmplex.engine.family.vit;

import static dev.fmplex.engine.nn.ReferenceVectors.maxAbsDiff;
import static dev.fmplex.engine.nn.ReferenceVectors.softmax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.RowResult;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.peft.RandomLoraTask;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.image.ImageInput;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.nn.LinearDelta;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.model.api.ClassificationOutput;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.RegressionOutput;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.task.TaskSpec;
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
 * The exactness invariant on ViT, through the real path a worker uses: a checkpoint directory
 * loaded by {@link VitFamily}, vFMs imported from PEFT files by the backbone's importer, inputs
 * prepared from a request, and one mixed batch. Each vFM's outputs equal its dedicated model's: its
 * adapter merged into the weights, one image at a time, no deltas, its head computed by hand. On
 * both execution paths: the ONNX Runtime graph is held to the same dedicated models.
 */
class VitBatchExecutorTest {

    private static final VitConfig CONFIG = TinyVitCheckpoints.TINY;
    private static final List<String> LABELS = List.of("cat", "dog", "bird");

    @TempDir Path checkpoint;

    private Map<String, HostTensor> baseWeights;
    private VitServedBackbone runtime;
    private final List<VfmModel> models = new ArrayList<>();

    @BeforeEach
    void writeCheckpoint() throws Exception {
        baseWeights = TinyVitCheckpoints.randomWeights(CONFIG, 21);
        TinyVitCheckpoints.write(checkpoint, CONFIG, baseWeights);
    }

    /** The backbone as a worker loads it, batches running on {@code execution}. */
    private void load(ExecutionPath execution) throws Exception {
        runtime =
                new VitFamily()
                        .load(
                                "tiny-vit",
                                checkpoint,
                                new BackboneLoadOptions(Device.cpu(), 256, execution, 2));
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
    void mixedVfmsInOneBatchEqualTheirDedicatedMergedWeightModels(ExecutionPath execution)
            throws Exception {
        load(execution);
        // Attention-only LoRA, classification head in the adapter (modules_to_save).
        RandomLoraTask attention =
                RandomLoraTask.vit(CONFIG, 2, EnumSet.of(Projection.QUERY, Projection.VALUE), 3, 1);
        VfmModel attentionModel =
                load(
                        "attention",
                        new ClassificationTask(LABELS, null, null, null),
                        attention,
                        true);
        // Every projection at rank 3, keys of a bare ViTModel, regression head beside it.
        RandomLoraTask everything =
                RandomLoraTask.vit(CONFIG, 3, EnumSet.allOf(Projection.class), 1, 2);
        VfmModel everythingModel =
                loadBare("everything", new RegressionTask(Pooling.MEAN, null), everything);
        // No LoRA: a frozen-backbone embedding, and a classifier reading layer 1.
        RandomLoraTask frozen = RandomLoraTask.vit(CONFIG, 1, Set.of(), 0, 3);
        VfmModel frozenModel =
                load("frozen", new EmbeddingTask(Pooling.MEAN, true, null), frozen, false);
        RandomLoraTask early = RandomLoraTask.vit(CONFIG, 1, Set.of(), 3, 4);
        VfmModel earlyModel =
                load("early", new ClassificationTask(LABELS, null, null, 1), early, false);

        List<ModelInput> images = prepare(4, 22);
        List<BatchRow> rows =
                List.of(
                        new BatchRow(attentionModel, images.get(0)),
                        new BatchRow(frozenModel, images.get(0)),
                        new BatchRow(earlyModel, images.get(0)),
                        new BatchRow(everythingModel, images.get(1)),
                        new BatchRow(attentionModel, images.get(2)),
                        new BatchRow(frozenModel, images.get(3)));

        BatchResult result = runtime.execute(rows);

        // The frozen and early rows of image 0 share one backbone row.
        assertThat(result.backboneRows()).isEqualTo(5);
        assertThat(result.tasks()).isEqualTo(4);
        double maxDiff = 0;
        for (int r = 0; r < rows.size(); r++) {
            RowResult row = result.results().get(r);
            assertThat(row).isInstanceOf(RowResult.Success.class);
            Object output = ((RowResult.Success) row).output();
            BatchRow input = rows.get(r);
            float[] pixels = ((ImageInput) input.input()).pixels();
            RandomLoraTask vfm =
                    input.vfm() == attentionModel
                            ? attention
                            : input.vfm() == everythingModel
                                    ? everything
                                    : input.vfm() == frozenModel ? frozen : early;
            float[] features = dedicatedFeatures(vfm, input.vfm().task(), pixels);
            if (output instanceof ClassificationOutput classified) {
                double[] expected = softmax(vfm.head(features));
                for (int c = 0; c < LABELS.size(); c++) {
                    maxDiff =
                            Math.max(
                                    maxDiff,
                                    Math.abs(classified.scores().get(LABELS.get(c)) - expected[c]));
                }
            } else if (output instanceof RegressionOutput regression) {
                maxDiff = Math.max(maxDiff, Math.abs(regression.value() - vfm.head(features)[0]));
            } else {
                float[] embedding = ((EmbeddingOutput) output).embedding();
                double norm = 0;
                for (float value : features) {
                    norm += value * value;
                }
                for (int j = 0; j < features.length; j++) {
                    maxDiff =
                            Math.max(
                                    maxDiff,
                                    Math.abs(embedding[j] - features[j] / Math.sqrt(norm)));
                }
            }
        }
        System.out.printf(
                "ViT mixed vFMs vs dedicated merged models (%s): max abs diff %.2e%n",
                execution.settingName(), maxDiff);
        assertThat(maxDiff).isLessThanOrEqualTo(1e-4);
        // The adapter changes the output: image 0 under the attention vFM differs from frozen.
        float[] adapted = dedicatedFeatures(attention, attentionModel.task(), pixelsOf(images, 0));
        float[] plain = dedicatedFeatures(frozen, attentionModel.task(), pixelsOf(images, 0));
        assertThat(maxAbsDiff(adapted, plain)).isGreaterThan(1e-3);
    }

    @ParameterizedTest
    @EnumSource(ExecutionPath.class)
    void aHeadThatYieldsNaNFailsOnlyItsOwnRows(ExecutionPath execution) throws Exception {
        load(execution);
        RandomLoraTask broken = RandomLoraTask.vit(CONFIG, 1, Set.of(), 1, 5);
        // Finite weights (NaN ones are refused at import) whose outputs overflow to infinity.
        java.util.Arrays.fill(broken.headWeight, 3e38f);
        VfmModel brokenModel = load("broken", new RegressionTask(null, null), broken, false);
        RandomLoraTask healthy = RandomLoraTask.vit(CONFIG, 2, EnumSet.of(Projection.KEY), 3, 6);
        VfmModel healthyModel =
                load("healthy", new ClassificationTask(LABELS, null, null, null), healthy, true);
        List<ModelInput> images = prepare(2, 23);

        BatchResult result =
                runtime.execute(
                        List.of(
                                new BatchRow(brokenModel, images.get(0)),
                                new BatchRow(healthyModel, images.get(0)),
                                new BatchRow(brokenModel, images.get(1))));

        assertThat(result.results().get(0))
                .isInstanceOfSatisfying(
                        RowResult.Failure.class,
                        failure -> {
                            assertThat(failure.vfmId()).isEqualTo("broken");
                            assertThat(failure.reason()).contains("non-finite");
                        });
        assertThat(result.results().get(2)).isInstanceOf(RowResult.Failure.class);
        ClassificationOutput output =
                (ClassificationOutput) ((RowResult.Success) result.results().get(1)).output();
        double[] expected =
                softmax(
                        healthy.head(
                                dedicatedFeatures(
                                        healthy, healthyModel.task(), pixelsOf(images, 0))));
        assertThat(output.scores().get("cat")).isCloseTo(expected[0], within(1e-4));
    }

    private VfmModel load(String id, TaskSpec task, RandomLoraTask vfm, boolean headInAdapter)
            throws Exception {
        VfmModel model =
                runtime.importer()
                        .load(id, 1, task, vfm.files(headInAdapter, false), runtime.root());
        models.add(model);
        return model;
    }

    private VfmModel loadBare(String id, TaskSpec task, RandomLoraTask vfm) throws Exception {
        VfmModel model =
                runtime.importer().load(id, 1, task, vfm.files(false, true), runtime.root());
        models.add(model);
        return model;
    }

    /** Images as a request carries them: preprocessed pixel tensors, through the input checks. */
    private List<ModelInput> prepare(int count, long seed) {
        float[] pixels = TinyVitCheckpoints.randomPixels(CONFIG, count, seed);
        int size = CONFIG.imageSize();
        List<Object> inputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Object> planes = new ArrayList<>();
            for (int c = 0; c < CONFIG.channels(); c++) {
                List<Object> rows = new ArrayList<>();
                for (int y = 0; y < size; y++) {
                    List<Object> row = new ArrayList<>();
                    for (int x = 0; x < size; x++) {
                        row.add(
                                (double)
                                        pixels[
                                                ((i * CONFIG.channels() + c) * size + y) * size
                                                        + x]);
                    }
                    rows.add(row);
                }
                planes.add(rows);
            }
            inputs.add(Map.of("pixels", planes));
        }
        return runtime.prepare(
                new InferRequest(inputs, null), new EmbeddingTask(null, null), count);
    }

    private static float[] pixelsOf(List<ModelInput> images, int index) {
        return ((ImageInput) images.get(index)).pixels();
    }

    /**
     * The dedicated model's features: merged weights, one image, the task's layer (after the final
     * LayerNorm when it is the last), its pooling over every position.
     */
    private float[] dedicatedFeatures(RandomLoraTask vfm, TaskSpec task, float[] image)
            throws Exception {
        try (NDManager scope = runtime.root().newSubManager()) {
            Map<String, NDArray> base = TinyVitCheckpoints.toArrays(baseWeights, scope);
            VitEncoder dedicated =
                    new VitEncoder(VitParameterNames.parameters(CONFIG, vfm.merged(base, scope)));
            NDArray input =
                    scope.create(
                            image,
                            new Shape(
                                    1, CONFIG.channels(), CONFIG.imageSize(), CONFIG.imageSize()));
            int layer = task.layer() == null ? CONFIG.layers() : task.layer();
            NDArray states = dedicated.forward(input, layer, LinearDelta.NONE)[layer];
            if (layer == CONFIG.layers()) {
                states = dedicated.finalNorm(states);
            }
            NDArray pooled =
                    task.pooling() == Pooling.CLS
                            ? states.get(new NDIndex(":, 0, :"))
                            : states.mean(new int[] {1});
            return pooled.toFloatArray();
        }
    }
}
