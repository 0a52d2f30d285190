package dev.fmplex.engine.family.vit;

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
 * The ViT forward on ONNX Runtime ({@link VitOnnxGraph}): the same per-row LoRA as {@link
 * VitEncoder} and the same hidden states, as DJL arrays in the batch's manager so pooling and heads
 * run unchanged. A pass no row of which carries an adapter runs the plain graph.
 */
final class OrtVitEncoder implements VitForward, AutoCloseable {

    private final VitConfig config;
    private final OrtSession plain;
    private final OrtSession extended;
    private final RowLora lora;

    /**
     * @param stackBudgetBytes native bytes the cached LoRA stacks of recent adapter sets may take
     */
    OrtVitEncoder(
            BackboneParameters<VitConfig> weights, int intraOpThreads, long stackBudgetBytes) {
        this.config = weights.config();
        this.lora = new RowLora(config.layers(), VitParameterNames.sites(config), stackBudgetBytes);
        List<OrtSession> sessions =
                OrtSessions.createSharing(
                        List.of(
                                VitOnnxGraph.build(weights, false),
                                VitOnnxGraph.build(weights, true)),
                        VitOnnxGraph.OPSET,
                        intraOpThreads);
        this.plain = sessions.get(0);
        this.extended = sessions.get(1);
    }

    @Override
    public NDArray[] forward(
            NDManager batch,
            float[] pixels,
            int rows,
            Set<Integer> layers,
            List<? extends List<LoraModule>> rowModules) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        LoraStacks stacks = null;
        try {
            feeds.put(
                    VitOnnxGraph.PIXELS,
                    OnnxTensor.createTensor(
                            OrtSessions.environment(),
                            FloatBuffer.wrap(pixels),
                            new long[] {
                                rows, config.channels(), config.imageSize(), config.imageSize()
                            }));
            Map<String, OnnxTensor> run = feeds;
            boolean extensions = rowModules.stream().anyMatch(modules -> !modules.isEmpty());
            if (extensions) {
                stacks = lora.feed(feeds, rowModules);
                run = new HashMap<>(feeds);
                run.putAll(stacks.tensors());
            }
            Set<String> wanted = new LinkedHashSet<>();
            for (int layer : layers) {
                wanted.add(VitOnnxGraph.hidden(layer));
            }
            NDArray[] hidden = new NDArray[config.layers() + 1];
            Shape shape = new Shape(rows, config.sequenceLength(), config.hiddenSize());
            try (OrtSession.Result result = (extensions ? extended : plain).run(run, wanted)) {
                for (int layer : layers) {
                    OnnxTensor state =
                            (OnnxTensor) result.get(VitOnnxGraph.hidden(layer)).orElseThrow();
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
