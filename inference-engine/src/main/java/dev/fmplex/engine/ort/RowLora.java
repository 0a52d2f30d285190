package dev.fmplex.engine.ort;

import static dev.fmplex.engine.ort.OnnxGraphBuilder.FLOAT;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.INT64;
import static dev.fmplex.engine.ort.OnnxGraphBuilder.attributes;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-row LoRA in an ONNX graph, for every family: ONNX Runtime's own adapter API applies one
 * adapter to a whole run, so each projection instead carries a branch fed by graph inputs. {@code
 * lora_slot [rows]} picks each row's adapter from the stacks {@code lora_a.L.ROLE [slots, in, r]}
 * and {@code lora_b.L.ROLE [slots, r, out]} (slot 0 is all zeros, for rows without an adapter), and
 * two batched products add that row's own update, as {@code LoraDeltas} does on the eager path.
 *
 * <p>One instance per served backbone holds the cache of recent adapter sets' stacks ({@link
 * LoraStackCache}); slots follow a canonical order of a pass's adapters, so passes with the same
 * adapters in any row order share one set.
 */
public final class RowLora implements AutoCloseable {

    /** The graph input giving each row its adapter's slot. */
    public static final String SLOT = "lora_slot";

    private final LoraStackCache stacks;

    /**
     * @param layers the encoder's layers; a module's layer index picks its layer
     * @param sites the projections of one layer that carry branches
     * @param budgetBytes native bytes the cached stacks of recent adapter sets may take
     */
    public RowLora(int layers, List<ProjectionSite> sites, long budgetBytes) {
        this(layers, 0, sites, budgetBytes);
    }

    /**
     * @param layerBase added to a graph layer's index to find its modules (a second tower's layers
     *     are numbered from a base, e.g. CLIP's vision tower); stacks keep the graph's own index in
     *     their names
     */
    public RowLora(int layers, int layerBase, List<ProjectionSite> sites, long budgetBytes) {
        this.stacks = new LoraStackCache(layers, layerBase, sites, budgetBytes);
    }

    public static String down(int layer, Projection role) {
        return "lora_a." + layer + "." + role.name();
    }

    public static String up(int layer, Projection role) {
        return "lora_b." + layer + "." + role.name();
    }

    /** Declares {@link #SLOT}; once per graph, before any {@link #update}. */
    public static void declareSlot(OnnxGraphBuilder g) {
        g.input(SLOT, INT64, "rows");
    }

    /**
     * The rows' LoRA update of one projection: {@code input [rows, length, in]} to {@code [rows,
     * length, out]}. Each projection has its own rank, the largest among the pass's adapters that
     * adapt it.
     */
    public static String update(OnnxGraphBuilder g, String input, int layer, ProjectionSite site) {
        Projection role = site.role();
        String rank = "rank." + layer + "." + role.name();
        String down = g.input(down(layer, role), FLOAT, "slots", site.in(), rank);
        String upStack = g.input(up(layer, role), FLOAT, "slots", rank, site.out());
        String rowDown = g.node("Gather", List.of(down, SLOT), attributes("axis", 0L));
        String rowUp = g.node("Gather", List.of(upStack, SLOT), attributes("axis", 0L));
        return g.node("MatMul", g.node("MatMul", input, rowDown), rowUp);
    }

    /**
     * Gives every row its adapter's slot in {@code feeds} and returns the pass's stacks, held until
     * {@link LoraStacks#release}.
     *
     * @param rowModules each row's modules, empty for a row without an adapter
     */
    public LoraStacks feed(
            Map<String, OnnxTensor> feeds, List<? extends List<LoraModule>> rowModules)
            throws OrtException {
        Map<LoraModule, List<LoraModule>> byFirst = new IdentityHashMap<>();
        for (List<LoraModule> modules : rowModules) {
            if (!modules.isEmpty()) {
                byFirst.putIfAbsent(modules.get(0), modules);
            }
        }
        List<List<LoraModule>> adapters = new ArrayList<>(byFirst.values());
        adapters.sort(Comparator.comparingInt(adapter -> System.identityHashCode(adapter.get(0))));
        Map<LoraModule, Integer> slotOf = new IdentityHashMap<>();
        for (int a = 0; a < adapters.size(); a++) {
            slotOf.put(adapters.get(a).get(0), a + 1);
        }
        long[] rowSlot = new long[rowModules.size()];
        for (int row = 0; row < rowModules.size(); row++) {
            List<LoraModule> modules = rowModules.get(row);
            rowSlot[row] = modules.isEmpty() ? 0 : slotOf.get(modules.get(0));
        }
        feeds.put(
                SLOT,
                OnnxTensor.createTensor(
                        OrtSessions.environment(),
                        LongBuffer.wrap(rowSlot),
                        new long[] {rowSlot.length}));
        return stacks.acquire(adapters);
    }

    /** Drops the cached stacks; stacks a pass still holds close when it releases them. */
    @Override
    public void close() {
        stacks.clear();
    }
}
