package dev.fmplex.engine.family.patchtst;

import static dev.fmplex.engine.nn.ReferenceVectors.softmax;
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
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.model.api.ClassificationOutput;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.ForecastOutput;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.RegressionOutput;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.ForecastingTask;
import dev.fmplex.model.task.Pooling;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.task.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exactness invariant on PatchTST, through the path a worker uses: a checkpoint directory
 * loaded by {@link PatchTstFamily}, vFMs imported from PEFT files, series prepared from a request,
 * one mixed batch. Each vFM's outputs equal its dedicated model computed in plain Java doubles
 * ({@link ReferencePatchTst} on weights with its adapter merged, its head by hand), so the check
 * covers the scaler, patching, encoder, pooling, heads and the forecast's rescaling.
 */
class PatchTstBatchExecutorTest {

    @TempDir Path checkpoint;

    private PatchTstServedBackbone runtime;
    private final List<VfmModel> models = new ArrayList<>();

    /** Both configuration variants on both execution paths. */
    static Stream<Arguments> variantsAndPaths() {
        return Stream.of(false, true)
                .flatMap(
                        variant ->
                                Stream.of(ExecutionPath.values())
                                        .map(path -> Arguments.of(variant, path)));
    }

    @AfterEach
    void close() {
        models.forEach(VfmModel::release);
        if (runtime != null) {
            runtime.close();
        }
    }

    /**
     * @param variant false: BatchNorm, pre-norm, std scaling; true: LayerNorm, post-norm, a class
     *     token, mean scaling, no feed-forward bias
     */
    @ParameterizedTest(name = "variant={0}, {1}")
    @MethodSource("variantsAndPaths")
    void mixedVfmsInOneBatchEqualTheirDedicatedModels(boolean variant, ExecutionPath execution)
            throws Exception {
        PatchTstConfig config =
                variant ? TinyPatchTstCheckpoints.VARIANT : TinyPatchTstCheckpoints.TINY;
        Map<String, HostTensor> base = TinyPatchTstCheckpoints.randomWeights(config, 51);
        TinyPatchTstCheckpoints.write(checkpoint, config, base);
        runtime =
                new PatchTstFamily()
                        .load(
                                "tiny-patchtst",
                                checkpoint,
                                new BackboneLoadOptions(Device.cpu(), 256, execution, 2));
        int d = config.dModel();
        int all = config.channels() * d;
        List<String> labels = List.of("normal", "drift", "spike");

        // A LoRA forecaster (attention), its head in modules_to_save as PatchTSTForPrediction's.
        RandomLoraTask forecaster =
                new RandomLoraTask(
                        Layout.patchTst(config, "head.projection"),
                        2,
                        EnumSet.of(Projection.QUERY, Projection.VALUE),
                        4,
                        d,
                        1);
        VfmModel forecast =
                load("forecast", new ForecastingTask(4, null, null, null), forecaster, true, false);
        // LoRA on every projection, bare-model keys, a classification head (head.linear).
        RandomLoraTask classifier =
                new RandomLoraTask(
                        Layout.patchTst(config, "head.linear"),
                        3,
                        EnumSet.allOf(Projection.class),
                        3,
                        all,
                        2);
        VfmModel classify =
                load(
                        "classify",
                        new ClassificationTask(labels, null, Pooling.MAX, null),
                        classifier,
                        false,
                        true);
        // No LoRA: a regression head reading layer 1, and a frozen embedding.
        RandomLoraTask regressor =
                new RandomLoraTask(
                        Layout.patchTst(config, "head.projection"), 1, Set.of(), 1, all, 3);
        // With a class token the regressor reads it, as transformers' heads do.
        Pooling regressorPooling = variant ? Pooling.CLS : Pooling.MEAN;
        VfmModel regress =
                load("regress", new RegressionTask(regressorPooling, 1), regressor, false, false);
        RandomLoraTask frozen =
                new RandomLoraTask(
                        Layout.patchTst(config, "head.projection"), 1, Set.of(), 0, 0, 4);
        VfmModel embed =
                load("embed", new EmbeddingTask(Pooling.MEAN, false, null), frozen, false, false);

        List<double[][]> series = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            series.add(TinyPatchTstCheckpoints.randomSeries(config, 60 + i));
        }
        List<ModelInput> inputs = prepare(series);
        List<BatchRow> rows =
                List.of(
                        new BatchRow(forecast, inputs.get(0)),
                        new BatchRow(regress, inputs.get(0)),
                        new BatchRow(embed, inputs.get(0)),
                        new BatchRow(classify, inputs.get(1)),
                        new BatchRow(forecast, inputs.get(2)),
                        new BatchRow(embed, inputs.get(2)));

        BatchResult result = runtime.execute(rows);

        // Six rows, five backbone rows: regress and embed share series 0.
        assertThat(result.backboneRows()).isEqualTo(5);
        double maxDiff = 0;
        for (int r = 0; r < rows.size(); r++) {
            assertThat(result.results().get(r)).isInstanceOf(RowResult.Success.class);
            TaskOutput output = ((RowResult.Success) result.results().get(r)).output();
            VfmModel vfm = rows.get(r).vfm();
            double[][] input = series.get(r < 3 ? 0 : r == 3 ? 1 : 2);
            RandomLoraTask task =
                    vfm == forecast
                            ? forecaster
                            : vfm == classify ? classifier : vfm == regress ? regressor : frozen;
            double[][] pooled = dedicatedPooled(config, base, task, vfm.task(), input);
            if (output instanceof ForecastOutput forecastOutput) {
                ReferencePatchTst reference = new ReferencePatchTst(config, base);
                for (int c = 0; c < config.channels(); c++) {
                    double[] level = reference.scaler(input, c);
                    double[] scaled = task.head(pooled[c]);
                    for (int h = 0; h < 4; h++) {
                        double expected = scaled[h] * level[1] + level[0];
                        maxDiff =
                                Math.max(
                                        maxDiff,
                                        Math.abs(forecastOutput.forecast()[h][c] - expected));
                    }
                }
                assertThat(forecastOutput.forecast()).hasDimensions(4, config.channels());
            } else if (output instanceof ClassificationOutput classified) {
                double[] probabilities = softmax(task.head(flatten(pooled)));
                for (int k = 0; k < labels.size(); k++) {
                    maxDiff =
                            Math.max(
                                    maxDiff,
                                    Math.abs(
                                            classified.scores().get(labels.get(k))
                                                    - probabilities[k]));
                }
            } else if (output instanceof RegressionOutput regression) {
                maxDiff =
                        Math.max(
                                maxDiff,
                                Math.abs(regression.value() - task.head(flatten(pooled))[0]));
            } else {
                double[] expected = flatten(pooled);
                float[] embedding = ((EmbeddingOutput) output).embedding();
                assertThat(embedding).hasSize(all);
                for (int j = 0; j < all; j++) {
                    maxDiff = Math.max(maxDiff, Math.abs(embedding[j] - expected[j]));
                }
            }
        }
        System.out.printf(
                "PatchTST (variant=%b, %s) mixed vFMs vs dedicated plain-Java models: max abs"
                        + " diff %.2e%n",
                variant, execution.settingName(), maxDiff);
        assertThat(maxDiff).isLessThanOrEqualTo(1e-4);
    }

    private VfmModel load(
            String id, TaskSpec task, RandomLoraTask vfm, boolean headInAdapter, boolean bare)
            throws Exception {
        VfmModel model =
                runtime.importer()
                        .load(id, 1, task, vfm.files(headInAdapter, bare), runtime.root());
        models.add(model);
        return model;
    }

    private List<ModelInput> prepare(List<double[][]> series) {
        List<Object> inputs = new ArrayList<>();
        for (double[][] one : series) {
            List<Object> steps = new ArrayList<>();
            for (double[] step : one) {
                List<Object> values = new ArrayList<>();
                for (double value : step) {
                    values.add(value);
                }
                steps.add(values);
            }
            inputs.add(steps);
        }
        return runtime.prepare(
                new InferRequest(inputs, null), new EmbeddingTask(null, null), series.size());
    }

    /**
     * The dedicated model's pooled features per channel: adapter merged, the task's layer (the
     * reference runs them all; an earlier layer means a shorter encoder), its pooling.
     */
    private static double[][] dedicatedPooled(
            PatchTstConfig config,
            Map<String, HostTensor> base,
            RandomLoraTask task,
            TaskSpec spec,
            double[][] series) {
        int layer = spec.layer() == null ? config.layers() : spec.layer();
        PatchTstConfig truncated =
                new PatchTstConfig(
                        config.channels(),
                        config.contextLength(),
                        config.patchLength(),
                        config.patchStride(),
                        layer,
                        config.dModel(),
                        config.attentionHeads(),
                        config.ffnDim(),
                        config.layerNorm(),
                        config.normEps(),
                        config.ffBias(),
                        config.preNorm(),
                        config.clsToken(),
                        config.scaling());
        double[][][] hidden =
                new ReferencePatchTst(truncated, task.mergedOnHost(base)).lastHiddenState(series);
        double[][] pooled = new double[config.channels()][config.dModel()];
        for (int c = 0; c < config.channels(); c++) {
            if (spec.pooling() == Pooling.CLS) {
                pooled[c] = hidden[c][0].clone();
                continue;
            }
            for (int j = 0; j < config.dModel(); j++) {
                double value = spec.pooling() == Pooling.MAX ? Double.NEGATIVE_INFINITY : 0;
                // Over the patches: a class token at position 0 is not pooled.
                int first = config.clsToken() ? 1 : 0;
                for (int t = first; t < hidden[c].length; t++) {
                    value =
                            spec.pooling() == Pooling.MAX
                                    ? Math.max(value, hidden[c][t][j])
                                    : value + hidden[c][t][j] / (hidden[c].length - first);
                }
                pooled[c][j] = value;
            }
        }
        return pooled;
    }

    private static double[] flatten(double[][] perChannel) {
        int d = perChannel[0].length;
        double[] flat = new double[perChannel.length * d];
        for (int c = 0; c < perChannel.length; c++) {
            System.arraycopy(perChannel[c], 0, flat, c * d, d);
        }
        return flat;
    }
}
