package dev.fmplex.engine.family.patchtst;

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
        this.sessions =
                AdaptedSessions.open(
                        PatchTstOnnxGraph.build(weights, false),
                        PatchTstOnnxGraph.build(weights, true),
                        PatchTstOnnxGraph.OPSET,
                        intraOpThreads,
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
        feeds.put(
                PatchTstOnnxGraph.PATCHES,
                OrtSessions.tensor(
                        patches, rows, config.channels(), config.patches(), config.patchLength()));
        return sessions.hiddenStates(
                batch,
                feeds,
                sequenceModules,
                layers,
                config.layers() + 1,
                new Shape((long) rows * config.channels(), config.positions(), config.dModel()));
    }

    @Override
    public void close() {
        sessions.close();
    }
}
