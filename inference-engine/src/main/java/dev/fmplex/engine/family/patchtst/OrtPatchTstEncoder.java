package dev.fmplex.engine.family.patchtst;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.ort.LoraStacks;
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
 * pooling and heads run unchanged. A pass no sequence of which carries an adapter runs the plain
 * graph.
 */
final class OrtPatchTstEncoder implements PatchTstForward, AutoCloseable {

    private final PatchTstConfig config;
    private final OrtSession plain;
    private final OrtSession extended;
    private final RowLora lora;

    /**
     * @param stackBudgetBytes native bytes the cached LoRA stacks of recent adapter sets may take
     */
    OrtPatchTstEncoder(
            BackboneParameters<PatchTstConfig> weights, int intraOpThreads, long stackBudgetBytes) {
        this.config = weights.config();
        this.lora =
                new RowLora(
                        config.layers(), PatchTstParameterNames.sites(config), stackBudgetBytes);
        List<OrtSession> sessions =
                OrtSessions.createSharing(
                        List.of(
                                PatchTstOnnxGraph.build(weights, false),
                                PatchTstOnnxGraph.build(weights, true)),
                        PatchTstOnnxGraph.OPSET,
                        intraOpThreads);
        this.plain = sessions.get(0);
        this.extended = sessions.get(1);
    }

    @Override
    public NDArray[] forward(
            NDManager batch,
            float[] patches,
            int rows,
            Set<Integer> layers,
            List<? extends List<LoraModule>> sequenceModules) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        LoraStacks stacks = null;
        try {
            feeds.put(
                    PatchTstOnnxGraph.PATCHES,
                    OnnxTensor.createTensor(
                            OrtSessions.environment(),
                            FloatBuffer.wrap(patches),
                            new long[] {
                                rows, config.channels(), config.patches(), config.patchLength()
                            }));
            Map<String, OnnxTensor> run = feeds;
            boolean extensions = sequenceModules.stream().anyMatch(modules -> !modules.isEmpty());
            if (extensions) {
                stacks = lora.feed(feeds, sequenceModules);
                run = new HashMap<>(feeds);
                run.putAll(stacks.tensors());
            }
            Set<String> wanted = new LinkedHashSet<>();
            for (int layer : layers) {
                wanted.add(PatchTstOnnxGraph.hidden(layer));
            }
            NDArray[] hidden = new NDArray[config.layers() + 1];
            Shape shape =
                    new Shape((long) rows * config.channels(), config.positions(), config.dModel());
            try (OrtSession.Result result = (extensions ? extended : plain).run(run, wanted)) {
                for (int layer : layers) {
                    OnnxTensor state =
                            (OnnxTensor) result.get(PatchTstOnnxGraph.hidden(layer)).orElseThrow();
                    hidden[layer] = batch.create(state.getFloatBuffer(), shape);
                }
            }
            return hidden;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime pass failed: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
            if (stacks != null) {
                stacks.release();
            }
        }
    }

    @Override
    public void close() {
        lora.close();
        try {
            plain.close();
            extended.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
