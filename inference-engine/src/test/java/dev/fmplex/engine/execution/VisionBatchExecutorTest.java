package dev.fmplex.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.backbone.BertParameterNames.LayerLinear;
import dev.fmplex.engine.backbone.vit.TinyVitCheckpoints;
import dev.fmplex.engine.backbone.vit.VitConfig;
import dev.fmplex.engine.backbone.vit.VitParameterNames;
import dev.fmplex.engine.backbone.vit.VitWeights;
import dev.fmplex.engine.extension.LoraAdapter;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.torch.TorchVitEncoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The exactness invariant on ViT: images of several LoRA vFMs (and of the frozen backbone) in one
 * batch give what each vFM's dedicated model, its adapter merged into the weights, gives alone.
 */
class VisionBatchExecutorTest {

    private static final VitConfig CONFIG = TinyVitCheckpoints.TINY;

    private final NDManager root = NDManager.newBaseManager();

    @AfterEach
    void close() {
        root.close();
    }

    @Test
    void mixedLoraImagesInOneBatchEqualDedicatedMergedWeightModels() throws Exception {
        NDManager weightsManager = root.newSubManager();
        Map<String, NDArray> base =
                TinyVitCheckpoints.toArrays(
                        TinyVitCheckpoints.randomWeights(CONFIG, 21), weightsManager);
        VisionBatchExecutor executor =
                new VisionBatchExecutor(new TorchVitEncoder(VitWeights.of(CONFIG, base)), root);
        NDManager adapters = root.newSubManager();
        adapters.getEngine().setRandomSeed(5);
        // Attention-only, feed-forward-only, and everything, at different ranks.
        LoraAdapter attention = adapter(adapters, 2, LayerLinear.QUERY, LayerLinear.VALUE);
        LoraAdapter feedForward =
                adapter(adapters, 4, LayerLinear.INTERMEDIATE, LayerLinear.OUTPUT);
        LoraAdapter all = adapter(adapters, 3, LayerLinear.values());
        List<LoraAdapter> perRow =
                java.util.Arrays.asList(attention, null, feedForward, all, attention);
        int perImage = CONFIG.channels() * CONFIG.imageSize() * CONFIG.imageSize();
        float[] pixels = TinyVitCheckpoints.randomPixels(CONFIG, perRow.size(), 22);
        List<VisionBatchExecutor.VisionRow> rows = new ArrayList<>();
        for (int r = 0; r < perRow.size(); r++) {
            float[] image = java.util.Arrays.copyOfRange(pixels, r * perImage, (r + 1) * perImage);
            rows.add(new VisionBatchExecutor.VisionRow(image, perRow.get(r)));
        }

        List<float[]> mixed = executor.clsFeatures(rows);

        double maxDiff = 0;
        for (int r = 0; r < rows.size(); r++) {
            float[] dedicated = dedicatedCls(base, perRow.get(r), rows.get(r).pixels());
            for (int j = 0; j < dedicated.length; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(mixed.get(r)[j] - dedicated[j]));
            }
        }
        System.out.printf(
                "ViT mixed LoRA batch vs dedicated merged models: max abs diff %.2e%n", maxDiff);
        assertThat(maxDiff).isLessThanOrEqualTo(1e-4);
        // The adapters change the output: the rows of one image under two vFMs differ.
        float[] frozen = dedicatedCls(base, null, rows.get(0).pixels());
        assertThat(maxAbsDiff(frozen, mixed.get(0))).isGreaterThan(1e-3);
    }

    /** The vFM's own model: W + (s B)(A) merged, one image, no batching, no deltas. */
    private float[] dedicatedCls(Map<String, NDArray> base, LoraAdapter lora, float[] image)
            throws Exception {
        try (NDManager scope = root.newSubManager()) {
            Map<String, NDArray> merged = new HashMap<>(base);
            if (lora != null) {
                for (LoraModule module : lora.modules()) {
                    String name = VitParameterNames.weight(module.layer(), module.linear());
                    // [in, r] x [r, out] = [in, out]; the weight is [out, in].
                    NDArray delta = module.downT().matMul(module.upT()).transpose();
                    merged.put(
                            name,
                            scope.zeros(base.get(name).getShape()).add(base.get(name)).add(delta));
                }
            }
            TorchVitEncoder dedicated = new TorchVitEncoder(VitWeights.of(CONFIG, merged));
            NDArray input =
                    scope.create(
                            image,
                            new Shape(
                                    1, CONFIG.channels(), CONFIG.imageSize(), CONFIG.imageSize()));
            return dedicated.encode(input).get(new NDIndex(":, 0, :")).toFloatArray();
        }
    }

    private static LoraAdapter adapter(NDManager manager, int rank, LayerLinear... linears) {
        List<LoraModule> modules = new ArrayList<>();
        long h = CONFIG.hiddenSize();
        long i = CONFIG.intermediateSize();
        for (int layer = 0; layer < CONFIG.layers(); layer++) {
            for (LayerLinear linear : linears) {
                long in = linear == LayerLinear.OUTPUT ? i : h;
                long out = linear == LayerLinear.INTERMEDIATE ? i : h;
                modules.add(
                        new LoraModule(
                                layer,
                                linear,
                                manager.randomNormal(
                                        0, 0.3f, new Shape(in, rank), DataType.FLOAT32),
                                manager.randomNormal(
                                        0, 0.3f, new Shape(rank, out), DataType.FLOAT32)));
            }
        }
        return new LoraAdapter(modules);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int j = 0; j < a.length; j++) {
            max = Math.max(max, Math.abs(a[j] - b[j]));
        }
        return max;
    }
}
