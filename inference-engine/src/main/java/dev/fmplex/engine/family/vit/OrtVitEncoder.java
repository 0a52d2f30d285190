package dev.fmplex.engine.family.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.ort.AdaptedSessions;
import dev.fmplex.engine.ort.OrtSessions;
import dev.fmplex.engine.ort.RowLora;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
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
        List<ai.onnxruntime.OrtSession> opened =
                OrtSessions.createSharing(
                        List.of(
                                VitOnnxGraph.build(weights, false),
                                VitOnnxGraph.build(weights, true)),
                        VitOnnxGraph.OPSET,
                        intraOpThreads);
        this.sessions =
                new AdaptedSessions(
                        opened.get(0),
                        opened.get(1),
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
        try {
            feeds.put(
                    VitOnnxGraph.PIXELS,
                    OnnxTensor.createTensor(
                            OrtSessions.environment(),
                            FloatBuffer.wrap(pixels),
                            new long[] {
                                rows, config.channels(), config.imageSize(), config.imageSize()
                            }));
        } catch (OrtException e) {
            throw new IllegalStateException("could not feed ONNX Runtime: " + e.getMessage(), e);
        }
        Set<String> wanted = new LinkedHashSet<>();
        layers.forEach(layer -> wanted.add(VitOnnxGraph.hidden(layer)));
        Shape shape = new Shape(rows, config.sequenceLength(), config.hiddenSize());
        return sessions.run(
                feeds,
                rowModules,
                wanted,
                result -> {
                    NDArray[] hidden = new NDArray[config.layers() + 1];
                    for (int layer : layers) {
                        OnnxTensor state =
                                (OnnxTensor) result.get(VitOnnxGraph.hidden(layer)).orElseThrow();
                        hidden[layer] = batch.create(state.getFloatBuffer(), shape);
                    }
                    return hidden;
                });
    }

    @Override
    public void close() {
        sessions.close();
    }
}
