package dev.fmplex.engine.execution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.nn.LinearDelta;
import dev.fmplex.engine.nn.Projection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LoRA deltas of one batch, applied after each adapted linear layer.
 *
 * <p>Per (layer, linear layer) the rows that carry an adapter there are gathered once; each row
 * picks its adapter's {@code Aᵀ} and {@code (s·B)ᵀ} from stacks of the batch's adapters (ranks
 * zero-padded to the largest, which adds exact zeros), two batched matmuls give every row its own
 * low-rank update, and the sums are written back to those rows only. The number of ops does not
 * grow with the number of adapters or rows, and layers no row adapts are left untouched.
 */
public final class LoraDeltas implements LinearDelta {

    /** Rows adapted at one (layer, linear), ascending, with the module each row uses. */
    private record Group(long[] rows, List<LoraModule> modules) {}

    private final NDManager manager;
    private final int batchRows;
    private final Map<String, Group> groups;

    private LoraDeltas(NDManager manager, int batchRows, Map<String, Group> groups) {
        this.manager = manager;
        this.batchRows = batchRows;
        this.groups = groups;
    }

    /**
     * @param manager the batch's manager; every array this creates is owned by it
     * @param rowModules for each batch row, the LoRA modules of its vFM (empty when it has none)
     */
    public static LinearDelta of(
            NDManager manager, List<? extends Iterable<LoraModule>> rowModules) {
        Map<String, List<Long>> rows = new HashMap<>();
        Map<String, List<LoraModule>> modules = new HashMap<>();
        for (int row = 0; row < rowModules.size(); row++) {
            for (LoraModule module : rowModules.get(row)) {
                String key = key(module.layer(), module.linear());
                rows.computeIfAbsent(key, k -> new ArrayList<>()).add((long) row);
                modules.computeIfAbsent(key, k -> new ArrayList<>()).add(module);
            }
        }
        if (rows.isEmpty()) {
            return LinearDelta.NONE;
        }
        Map<String, Group> groups = new HashMap<>();
        rows.forEach(
                (key, list) ->
                        groups.put(
                                key,
                                new Group(
                                        list.stream().mapToLong(Long::longValue).toArray(),
                                        modules.get(key))));
        return new LoraDeltas(manager, rowModules.size(), groups);
    }

    @Override
    public NDArray adjust(int layer, Projection linear, NDArray input, NDArray output) {
        Group group = groups.get(key(layer, linear));
        if (group == null) {
            return output;
        }
        if (group.rows().length == batchRows) {
            return output.add(lowRankUpdate(input, group));
        }
        NDArray adapted = input.get(manager.create(group.rows()));
        NDIndex selected = new NDIndex("{}", rowMask(group.rows()));
        output.set(selected, output.get(selected).add(lowRankUpdate(adapted, group)));
        return output;
    }

    private NDArray lowRankUpdate(NDArray adapted, Group group) {
        List<LoraModule> distinct = distinct(group.modules());
        if (distinct.size() == 1) {
            LoraModule only = distinct.get(0);
            return adapted.matMul(only.downT()).matMul(only.upT());
        }
        // Stacks are built in the batch's manager by copying into zeros: ranks below the largest
        // stay zero-padded, and no array is ever attached to an adapter's own manager.
        int maxRank = distinct.stream().mapToInt(LoraModule::rank).max().orElseThrow();
        LoraModule first = distinct.get(0);
        long in = first.downT().getShape().get(0);
        long out = first.upT().getShape().get(1);
        NDArray downs = manager.zeros(new Shape(distinct.size(), in, maxRank));
        NDArray ups = manager.zeros(new Shape(distinct.size(), maxRank, out));
        Map<LoraModule, Integer> slot = new IdentityHashMap<>();
        for (LoraModule module : distinct) {
            int index = slot.size();
            slot.put(module, index);
            downs.set(new NDIndex("{}, :, :{}", index, module.rank()), module.downT());
            ups.set(new NDIndex("{}, :{}, :", index, module.rank()), module.upT());
        }
        NDArray slotIndex = manager.create(group.modules().stream().mapToLong(slot::get).toArray());
        // [rows, length, in] x [rows, in, r] x [rows, r, out]
        return adapted.matMul(downs.get(slotIndex)).matMul(ups.get(slotIndex));
    }

    private NDArray rowMask(long[] rows) {
        boolean[] mask = new boolean[batchRows];
        for (long row : rows) {
            mask[(int) row] = true;
        }
        return manager.create(mask);
    }

    private static List<LoraModule> distinct(List<LoraModule> modules) {
        List<LoraModule> distinct = new ArrayList<>();
        Map<LoraModule, Boolean> seen = new IdentityHashMap<>();
        for (LoraModule module : modules) {
            if (seen.put(module, Boolean.TRUE) == null) {
                distinct.add(module);
            }
        }
        return distinct;
    }

    private static String key(int layer, Projection linear) {
        return layer + "/" + linear.name();
    }
}
