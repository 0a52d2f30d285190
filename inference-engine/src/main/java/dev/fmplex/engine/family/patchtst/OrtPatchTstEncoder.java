package dev.fmplex.engine.family.patchtst;

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
 * The PatchTST forward on ONNX Runtime ({@link PatchTstOnnxGraph}): the same per-sequence LoRA as
 * {@link PatchTstEncoder} and the same hidden states, as DJL arrays in the batch's manager so
 * pooling and heads run unchanged.
 */
final class OrtPatchTstEncoder implements PatchTstForward, AutoCloseable {

    private final PatchTstConfig config;
    private final AdaptedSessions sessions;

    /**
     * @param stackBudgetBytes native bytes the cached LoRA stacks of recent adapter sets may take
     */
    OrtPatchTstEncoder(
            BackboneParameters<PatchTstConfig> weights, int intraOpThreads, long stackBudgetBytes) {
        this.config = weights.config();
        List<ai.onnxruntime.OrtSession> opened =
                OrtSessions.createSharing(
                        List.of(
                                PatchTstOnnxGraph.build(weights, false),
                                PatchTstOnnxGraph.build(weights, true)),
                        PatchTstOnnxGraph.OPSET,
                        intraOpThreads);
        this.sessions =
                new AdaptedSessions(
                        opened.get(0),
                        opened.get(1),
                        new RowLora(
                                config.layers(),
                                PatchTstParameterNames.sites(config),
                                stackBudgetBytes));
    }

    @Override
    public NDArray[] forward(
            NDManager batch,
            float[] patches,
            int rows,
            Set<Integer> layers,
            List<? extends List<LoraModule>> sequenceModules) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put(
                    PatchTstOnnxGraph.PATCHES,
                    OnnxTensor.createTensor(
                            OrtSessions.environment(),
                            FloatBuffer.wrap(patches),
                            new long[] {
                                rows, config.channels(), config.patches(), config.patchLength()
                            }));
        } catch (OrtException e) {
            throw new IllegalStateException("could not feed ONNX Runtime: " + e.getMessage(), e);
        }
        Set<String> wanted = new LinkedHashSet<>();
        layers.forEach(layer -> wanted.add(PatchTstOnnxGraph.hidden(layer)));
        Shape shape =
                new Shape((long) rows * config.channels(), config.positions(), config.dModel());
        return sessions.run(
                feeds,
                sequenceModules,
                wanted,
                result -> {
                    NDArray[] hidden = new NDArray[config.layers() + 1];
                    for (int layer : layers) {
                        OnnxTensor state =
                                (OnnxTensor)
                                        result.get(PatchTstOnnxGraph.hidden(layer)).orElseThrow();
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
