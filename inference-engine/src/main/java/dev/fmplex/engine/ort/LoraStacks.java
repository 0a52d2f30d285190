package dev.fmplex.engine.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LoRA stacks of a graph with {@link RowLora} branches for one set of adapters in slot order:
 * for every projection of every layer, {@code lora_a [slots, in, r]} and {@code lora_b [slots, r,
 * out]}, slot 0 all zeros and slot {@code k} the {@code k}-th adapter's matrices, zero where that
 * adapter does not adapt the projection. Each projection's rank is the largest among the adapters
 * that adapt it (smaller ranks zero-padded, which adds exact zeros); a projection no adapter adapts
 * gets rank 1 of zeros, so a set adapting only query and value costs little at the other four.
 *
 * <p>The stacks sit in direct buffers that ONNX Runtime reads in place, and are shared by every
 * pass with the same adapter set ({@link LoraStackCache}), so a steady mix of adapters pays for
 * assembling them once. Reference counted: closed when evicted and no pass uses them any more.
 */
public final class LoraStacks {

    private final Map<String, OnnxTensor> tensors;
    private final long bytes;
    private int users;
    private boolean evicted;
    private boolean closed;

    private LoraStacks(Map<String, OnnxTensor> tensors, long bytes) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.bytes = bytes;
    }

    /**
     * @param layers the encoder's layers; modules are matched by their layer index
     * @param sites the projections of one layer that carry branches
     * @param adapters each adapter's modules, in slot order (the first is slot 1)
     */
    static LoraStacks build(
            int layers, List<ProjectionSite> sites, List<List<LoraModule>> adapters) {
        return build(layers, 0, sites, adapters);
    }

    /**
     * @param layerBase added to a layer's index to find its modules; names keep the graph's index
     */
    static LoraStacks build(
            int layers,
            int layerBase,
            List<ProjectionSite> sites,
            List<List<LoraModule>> adapters) {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        long bytes = 0;
        int slots = adapters.size() + 1;
        try {
            for (int layer = 0; layer < layers; layer++) {
                for (ProjectionSite site : sites) {
                    Projection role = site.role();
                    int out = (int) site.out();
                    int in = (int) site.in();
                    int rank = 1;
                    for (List<LoraModule> adapter : adapters) {
                        LoraModule module = find(adapter, layerBase + layer, role);
                        if (module != null) {
                            rank = Math.max(rank, module.rank());
                        }
                    }
                    FloatBuffer down = direct(slots * in * rank);
                    FloatBuffer up = direct(slots * rank * out);
                    for (int a = 0; a < adapters.size(); a++) {
                        LoraModule module = find(adapters.get(a), layerBase + layer, role);
                        if (module != null) {
                            place(
                                    down,
                                    (a + 1) * in * rank,
                                    module.downT().toFloatArray(),
                                    in,
                                    module.rank(),
                                    rank);
                            place(
                                    up,
                                    (a + 1) * rank * out,
                                    module.upT().toFloatArray(),
                                    module.rank(),
                                    out,
                                    out);
                        }
                    }
                    tensors.put(RowLora.down(layer, role), tensor(down, slots, in, rank));
                    tensors.put(RowLora.up(layer, role), tensor(up, slots, rank, out));
                    bytes += 4L * (down.capacity() + up.capacity());
                }
            }
        } catch (OrtException e) {
            tensors.values().forEach(OnnxTensor::close);
            throw new IllegalStateException("could not stack LoRA adapters: " + e.getMessage(), e);
        }
        return new LoraStacks(tensors, bytes);
    }

    private static LoraModule find(List<LoraModule> adapter, int layer, Projection role) {
        for (LoraModule module : adapter) {
            if (module.layer() == layer && module.linear() == role) {
                return module;
            }
        }
        return null;
    }

    private static FloatBuffer direct(int floats) {
        // Zero-filled, as allocateDirect guarantees: slot 0 and every unadapted block stay zero.
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Copies a {@code rows x columns} matrix into a {@code rows x stride} block at {@code at}. */
    private static void place(
            FloatBuffer target, int at, float[] source, int rows, int columns, int stride) {
        for (int r = 0; r < rows; r++) {
            target.put(at + r * stride, source, r * columns, columns);
        }
    }

    private static OnnxTensor tensor(FloatBuffer values, long... shape) throws OrtException {
        return OnnxTensor.createTensor(OrtSessions.environment(), values, shape);
    }

    /** The graph inputs, by name; valid while this pass holds the stacks. */
    public Map<String, OnnxTensor> tensors() {
        return tensors;
    }

    long bytes() {
        return bytes;
    }

    synchronized void acquire() {
        users++;
    }

    /** Ends one pass's use; the stacks close once evicted and unused. */
    public synchronized void release() {
        users--;
        closeIfUnused();
    }

    synchronized void evict() {
        evicted = true;
        closeIfUnused();
    }

    private void closeIfUnused() {
        if (evicted && users == 0 && !closed) {
            closed = true;
            tensors.values().forEach(OnnxTensor::close);
        }
    }
}
