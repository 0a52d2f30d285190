package dev.fmplex.engine.family.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.ort.AdaptedSessions;
import dev.fmplex.engine.ort.OrtSessions;
import dev.fmplex.engine.ort.RowLora;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ViT forward on ONNX Runtime ({@link VitOnnxGraph}): the same per-row LoRA as {@link
 * VitEncoder} and the same hidden states, as DJL arrays in the batch's manager so pooling and heads
 * run unchanged.
 */
final class OrtVitEncoder implements VitForward, AutoCloseable {

    private final VitConfig config;
    private final AdaptedSessions sessions;

    /**
     * @param stackBudgetBytes native bytes the cached LoRA stacks of recent adapter sets may take
     */
    OrtVitEncoder(
            BackboneParameters<VitConfig> weights, int intraOpThreads, long stackBudgetBytes) {
        this.config = weights.config();
        this.sessions =
                AdaptedSessions.open(
                        VitOnnxGraph.build(weights, false),
                        VitOnnxGraph.build(weights, true),
                        VitOnnxGraph.OPSET,
                        intraOpThreads,
                        new RowLora(
                                config.layers(),
                                VitParameterNames.sites(config),
                                stackBudgetBytes));
    }

    @Override
    public NDArray[] forward(
            NDManager batch,
            float[] pixels,
            int rows,
            Set<Integer> layers,
            List<? extends List<LoraModule>> rowModules) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        feeds.put(
                VitOnnxGraph.PIXELS,
                OrtSessions.tensor(
                        pixels, rows, config.channels(), config.imageSize(), config.imageSize()));
        return sessions.hiddenStates(
                batch,
                feeds,
                rowModules,
                layers,
                config.layers() + 1,
                new Shape(rows, config.sequenceLength(), config.hiddenSize()));
    }

    @Override
    public void close() {
        sessions.close();
    }
}
