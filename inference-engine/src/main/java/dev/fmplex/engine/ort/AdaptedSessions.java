package dev.fmplex.engine.ort;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fmplex.engine.extension.LoraModule;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One graph's two sessions: plain, for passes no row of which carries an adapter, and with per-row
 * LoRA inputs ({@link RowLora}), fed the rows' stacks. Every family's ONNX Runtime encoder runs its
 * passes through one of these per graph.
 */
public final class AdaptedSessions implements AutoCloseable {

    /** Reads what a pass needs from its result, while the result is open. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(OrtSession.Result result) throws OrtException;
    }

    private final OrtSession plain;
    private final OrtSession extended;
    private final RowLora lora;

    /**
     * @param plain the graph without LoRA inputs
     * @param extended the same graph with a {@link RowLora} branch on its projections
     * @param lora the branches' stacks; owned from now on
     */
    public AdaptedSessions(OrtSession plain, OrtSession extended, RowLora lora) {
        this.plain = plain;
        this.extended = extended;
        this.lora = lora;
    }

    /** Opens a graph's two sessions over one weights file. */
    public static AdaptedSessions open(
            OnnxGraphBuilder plain,
            OnnxGraphBuilder extended,
            int opset,
            int intraOpThreads,
            RowLora lora) {
        List<OrtSession> sessions =
                OrtSessions.createSharing(List.of(plain, extended), opset, intraOpThreads);
        return new AdaptedSessions(sessions.get(0), sessions.get(1), lora);
    }

    /**
     * Runs one pass of an encoder graph that publishes {@code hidden.0} to {@code hidden.L}, and
     * hands the hidden states asked for back as arrays of the batch.
     *
     * @param feeds the pass's inputs; closed here
     * @param layers the indices wanted
     * @param count how many hidden states the graph has ({@code L + 1})
     * @param shape every hidden state's shape
     */
    public NDArray[] hiddenStates(
            NDManager batch,
            Map<String, OnnxTensor> feeds,
            List<? extends List<LoraModule>> rowModules,
            Set<Integer> layers,
            int count,
            Shape shape) {
        Set<String> wanted = new LinkedHashSet<>();
        layers.forEach(layer -> wanted.add(hidden(layer)));
        return run(
                feeds,
                rowModules,
                wanted,
                result -> {
                    NDArray[] hidden = new NDArray[count];
                    for (int layer : layers) {
                        OnnxTensor state = (OnnxTensor) result.get(hidden(layer)).orElseThrow();
                        hidden[layer] = batch.create(state.getFloatBuffer(), shape);
                    }
                    return hidden;
                });
    }

    /** The name of hidden state {@code index} in every encoder graph. */
    public static String hidden(int index) {
        return "hidden." + index;
    }

    /**
     * Runs one pass and closes {@code feeds}.
     *
     * @param feeds the pass's inputs; closed here, whatever happens
     * @param rowModules each row's LoRA modules, empty for a row without an adapter
     * @param outputs the outputs to compute
     */
    public <T> T run(
            Map<String, OnnxTensor> feeds,
            List<? extends List<LoraModule>> rowModules,
            Set<String> outputs,
            Reader<T> reader) {
        LoraStacks stacks = null;
        try {
            boolean adapted = rowModules.stream().anyMatch(modules -> !modules.isEmpty());
            Map<String, OnnxTensor> run = feeds;
            if (adapted) {
                stacks = lora.feed(feeds, rowModules);
                run = new HashMap<>(feeds);
                run.putAll(stacks.tensors());
            }
            try (OrtSession.Result result = (adapted ? extended : plain).run(run, outputs)) {
                return reader.read(result);
            }
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
