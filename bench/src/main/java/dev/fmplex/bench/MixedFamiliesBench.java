package dev.fmplex.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.execution.BackboneLoading;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.ServedBackbone;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.head.EmbeddingHead;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.family.clip.ClipConfig;
import dev.fmplex.engine.family.clip.ClipParameterNames;
import dev.fmplex.engine.family.clip.ClipServedBackbone;
import dev.fmplex.engine.family.patchtst.PatchTstConfig;
import dev.fmplex.engine.family.patchtst.PatchTstParameterNames;
import dev.fmplex.engine.family.patchtst.PatchTstServedBackbone;
import dev.fmplex.engine.family.vit.VitConfig;
import dev.fmplex.engine.family.vit.VitParameterNames;
import dev.fmplex.engine.family.vit.VitServedBackbone;
import dev.fmplex.engine.image.ImageInput;
import dev.fmplex.engine.image.ImagePreprocessor;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.series.SeriesInput;
import dev.fmplex.engine.text.TextTokenizer;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Mixed-task LoRA batches on the non-text families, as {@link MixedLoraBench} measures them on
 * text: a batch whose rows belong to 8 distinct LoRA vFMs vs the same rows of one LoRA vFM vs no
 * adapter, interleaved in one JVM, on random weights of real shapes: ViT-S/16 at 224 pixels and
 * PatchTST as ibm-granite's ETTh1 checkpoint (7 channels, 512 steps in 42 patches, d_model 128).
 * Both run on both execution paths (eager and onnxruntime).
 */
public final class MixedFamiliesBench {

    private static final int ADAPTERS = 8;
    private static final int RANK = 8;
    private static final int ROWS = 8;

    private MixedFamiliesBench() {}

    public static void main(String[] args) throws Exception {
        // Nothing may leave the machine, however the bench is started (DJL looks up a cloud
        // metadata address unless told it is offline): set before any DJL class loads.
        System.setProperty("ai.djl.offline", "true");
        String[] options = String.join(" ", args).trim().split("\\s+");
        int iterations = options[0].isEmpty() ? 5 : Integer.parseInt(options[0]);
        int rounds = options.length > 1 ? Integer.parseInt(options[1]) : 3;
        StringBuilder report =
                new StringBuilder("### Mixed-task LoRA batches on ViT, PatchTST and CLIP\n\n")
                        .append(MachineInfo.describe("PyTorch intra-op = DJL default (cores)"))
                        .append(
                                String.format(
                                        "%n%nBatches of %d rows, %d batches per measurement, median"
                                                + " of %d interleaved rounds; LoRA r=%d on query and"
                                                + " value of every layer; random weights.%n%n",
                                        ROWS, iterations, rounds, RANK))
                        .append(
                                "| backbone | mixed, rows/s | one vFM, rows/s | no adapter, rows/s"
                                        + " | mixed vs one vFM | one LoRA vFM's bytes vs the"
                                        + " backbone's |\n|---|---|---|---|---|---|\n");
        VitConfig vit = new VitConfig(384, 12, 6, 1536, 224, 16, 3, 1e-12f);
        for (ExecutionPath execution : ExecutionPath.values()) {
            try (VitServedBackbone runtime = vision(vit, execution)) {
                report.append(
                        measure(
                                "ViT-S/16, 224 x 224 (197 positions), " + execution.settingName(),
                                runtime,
                                vit.layers(),
                                vit.hiddenSize(),
                                i ->
                                        new ImageInput(
                                                randomValues(3 * 224 * 224, i),
                                                vit.sequenceLength()),
                                iterations,
                                rounds));
            }
        }
        PatchTstConfig series =
                new PatchTstConfig(
                        7,
                        512,
                        12,
                        12,
                        3,
                        128,
                        16,
                        512,
                        false,
                        1e-5f,
                        true,
                        true,
                        false,
                        PatchTstConfig.Scaling.STD);
        for (ExecutionPath execution : ExecutionPath.values()) {
            try (PatchTstServedBackbone runtime = series(series, execution)) {
                int values = series.channels() * series.patches() * series.patchLength();
                report.append(
                        measure(
                                "PatchTST ETTh1-shaped (7 x 42 positions), "
                                        + execution.settingName(),
                                runtime,
                                series.layers(),
                                series.dModel(),
                                i ->
                                        new SeriesInput(
                                                randomValues(values, i),
                                                new float[series.channels()],
                                                ones(series.channels()),
                                                series.channels() * series.positions()),
                                iterations,
                                rounds));
            }
        }
        ClipConfig clip =
                new ClipConfig(
                        new ClipConfig.Text(512, 12, 8, 2048, 49408, 77, 1e-5f, true, 2),
                        new ClipConfig.Vision(768, 12, 12, 3072, 224, 32, 3, 1e-5f, true),
                        512);
        for (ExecutionPath execution : ExecutionPath.values()) {
            try (ClipServedBackbone runtime = imageText(clip, execution)) {
                ClipConfig.Vision vision = clip.vision();
                report.append(
                        measure(
                                "CLIP ViT-B/32 images, 224 x 224 (50 positions), "
                                        + execution.settingName(),
                                runtime,
                                ClipParameterNames.VISION_LAYER_BASE,
                                vision.layers(),
                                vision.hiddenSize(),
                                i ->
                                        new ImageInput(
                                                randomValues(3 * 224 * 224, i),
                                                vision.sequenceLength()),
                                iterations,
                                rounds));
            }
        }
        System.out.println(report);
        Path out = Path.of("target", "mixed-families.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        progress("report written to " + out.toAbsolutePath());
    }

    private static String measure(
            String name,
            ServedBackbone runtime,
            int layers,
            int hidden,
            IntFunction<ModelInput> input,
            int iterations,
            int rounds) {
        return measure(name, runtime, 0, layers, hidden, input, iterations, rounds);
    }

    /**
     * @param layerBase the index the adapted tower's first layer has in LoRA modules
     */
    private static String measure(
            String name,
            ServedBackbone runtime,
            int layerBase,
            int layers,
            int hidden,
            IntFunction<ModelInput> input,
            int iterations,
            int rounds) {
        progress(name);
        List<VfmModel> adapters = new ArrayList<>();
        for (int k = 0; k < ADAPTERS; k++) {
            NDManager manager = runtime.root().newSubManager();
            manager.getEngine().setRandomSeed(k);
            adapters.add(
                    vfm(
                            "lora-" + k,
                            layers,
                            RandomLora.onQueryAndValue(layerBase, layers, hidden, manager, RANK),
                            manager));
        }
        VfmModel plain = vfm("plain", layers, null, runtime.root().newSubManager());
        List<BatchRow> mixed = new ArrayList<>();
        List<BatchRow> single = new ArrayList<>();
        List<BatchRow> none = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            ModelInput row = input.apply(i);
            mixed.add(new BatchRow(adapters.get(i % ADAPTERS), row));
            single.add(new BatchRow(adapters.get(0), row));
            // Distinct inputs, so the frozen rows are not shared into one backbone row.
            none.add(new BatchRow(plain, input.apply(100 + i)));
        }
        runtime.execute(mixed);
        runtime.execute(single);
        runtime.execute(none);
        double[] mixedRate = new double[rounds];
        double[] singleRate = new double[rounds];
        double[] noneRate = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            mixedRate[round] = rate(runtime, mixed, iterations);
            singleRate[round] = rate(runtime, single, iterations);
            noneRate[round] = rate(runtime, none, iterations);
            progress(
                    String.format(
                            "round %d/%d: mixed %.1f, single %.1f, no adapter %.1f rows/s",
                            round + 1,
                            rounds,
                            mixedRate[round],
                            singleRate[round],
                            noneRate[round]));
        }
        double m = median(mixedRate);
        double s = median(singleRate);
        long adapterBytes = adapters.get(0).residentBytes();
        long backboneBytes = runtime.descriptor().parameterBytes();
        adapters.forEach(VfmModel::release);
        plain.release();
        return String.format(
                "| %s | %.1f | %.1f | %.1f | %.2fx | %,d vs %,d (%.0fx smaller) |%n",
                name,
                m,
                s,
                median(noneRate),
                m / s,
                adapterBytes,
                backboneBytes,
                backboneBytes / (double) adapterBytes);
    }

    private static VfmModel vfm(
            String id,
            int layers,
            dev.fmplex.engine.extension.LoraAdapter lora,
            NDManager manager) {
        return new VfmModel(
                id,
                1,
                new EmbeddingTask(Pooling.MEAN, false),
                layers,
                lora,
                null,
                new EmbeddingHead(false),
                manager);
    }

    private static VitServedBackbone vision(VitConfig config, ExecutionPath execution)
            throws Exception {
        NDManager root = BackboneLoading.newRootManager(Device.cpu());
        NDManager weights = BackboneLoading.newWeightsManager(root);
        BackboneParameters<VitConfig> vit =
                VitParameterNames.parameters(
                        config, random(VitParameterNames.expectedShapes(config), weights));
        return VitServedBackbone.create(
                "vit-s16",
                vit,
                ImagePreprocessor.vitDefaults(config.imageSize()),
                weights,
                root,
                execution,
                Runtime.getRuntime().availableProcessors());
    }

    private static PatchTstServedBackbone series(PatchTstConfig config, ExecutionPath execution)
            throws Exception {
        NDManager root = BackboneLoading.newRootManager(Device.cpu());
        NDManager weights = BackboneLoading.newWeightsManager(root);
        BackboneParameters<PatchTstConfig> patchTst =
                PatchTstParameterNames.parameters(
                        config, random(PatchTstParameterNames.expectedShapes(config), weights));
        return PatchTstServedBackbone.create(
                "patchtst-etth1",
                patchTst,
                weights,
                root,
                execution,
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * A CLIP of {@code config}'s shape on random weights; its tokenizer is the bundled MiniLM's
     * (only images are measured).
     */
    private static ClipServedBackbone imageText(ClipConfig config, ExecutionPath execution)
            throws Exception {
        NDManager root = BackboneLoading.newRootManager(Device.cpu());
        NDManager weights = BackboneLoading.newWeightsManager(root);
        Map<String, long[]> shapes = ClipParameterNames.expectedShapes(config);
        BackboneParameters<ClipConfig> clip =
                BackboneParameters.pick(config, shapes, random(shapes, weights));
        TextTokenizer tokenizer;
        try (java.io.InputStream json =
                MixedFamiliesBench.class
                        .getClassLoader()
                        .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            tokenizer = TextTokenizer.fromJson(json, 77);
        }
        return ClipServedBackbone.create(
                "clip-b32",
                clip,
                tokenizer,
                ImagePreprocessor.vitDefaults(config.vision().imageSize()),
                weights,
                root,
                execution,
                Runtime.getRuntime().availableProcessors());
    }

    /** N(0, 0.02) weights; norm scales and running variances 1, so activations stay finite. */
    private static Map<String, NDArray> random(Map<String, long[]> shapes, NDManager manager) {
        Map<String, NDArray> arrays = new HashMap<>();
        shapes.forEach(
                (name, shape) ->
                        arrays.put(
                                name,
                                name.endsWith("running_var")
                                                || (name.contains("norm")
                                                        && name.endsWith("weight"))
                                        ? manager.ones(new Shape(shape))
                                        : manager.randomNormal(
                                                0, 0.02f, new Shape(shape), DataType.FLOAT32)));
        return arrays;
    }

    private static float[] randomValues(int size, long seed) {
        Random random = new Random(seed);
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static float[] ones(int size) {
        float[] values = new float[size];
        Arrays.fill(values, 1f);
        return values;
    }

    private static double rate(ServedBackbone runtime, List<BatchRow> batch, int iterations) {
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            runtime.execute(batch);
        }
        return batch.size() * iterations / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void progress(String message) {
        System.err.println("[bench] " + message);
    }
}
