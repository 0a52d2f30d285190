package dev.fmplex.engine.execution;

import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.input.ContentKey;
import dev.fmplex.engine.input.ModelInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The backbone rows a batch runs, and whose result each batch row reads. The identity rule, the
 * same for every family: rows of vFMs that leave the backbone unchanged (no LoRA, no soft prompt)
 * and whose prepared inputs are equal ({@link ModelInput#contentKey()}: the same token ids, pixels
 * or patches, whichever request or vFM they came from) share one backbone row; every row of a vFM
 * that changes the backbone runs on its own, carrying that vFM's extensions.
 *
 * @param backboneRows in order of first use
 * @param backboneRowOf for each batch row, the index of the backbone row it reads
 * @param rowsByVfm each vFM's batch rows, in batch order
 */
public record SharedRows(
        List<BackboneRow> backboneRows,
        int[] backboneRowOf,
        Map<VfmModel, List<Integer>> rowsByVfm) {

    /** One row of the backbone pass: its input and the vFM whose adapter it carries, if any. */
    public record BackboneRow(ModelInput input, VfmModel adapted) {

        /** The adapter's modules; empty for the frozen backbone. */
        public List<LoraModule> modules() {
            return adapted == null || adapted.lora() == null
                    ? List.of()
                    : List.copyOf(adapted.lora().modules());
        }
    }

    public static SharedRows of(List<BatchRow> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one row");
        }
        List<BackboneRow> backboneRows = new ArrayList<>();
        int[] backboneRowOf = new int[rows.size()];
        Map<ContentKey, Integer> shared = new HashMap<>();
        Map<VfmModel, List<Integer>> rowsByVfm = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            BatchRow row = rows.get(i);
            if (row.vfm().changesBackbone()) {
                backboneRowOf[i] = backboneRows.size();
                backboneRows.add(new BackboneRow(row.input(), row.vfm()));
            } else {
                backboneRowOf[i] =
                        shared.computeIfAbsent(
                                row.input().contentKey(),
                                key -> {
                                    backboneRows.add(new BackboneRow(row.input(), null));
                                    return backboneRows.size() - 1;
                                });
            }
            rowsByVfm.computeIfAbsent(row.vfm(), key -> new ArrayList<>()).add(i);
        }
        return new SharedRows(backboneRows, backboneRowOf, rowsByVfm);
    }

    /** The deepest hidden-state index any vFM of the batch reads. */
    public int lastLayer() {
        return rowsByVfm.keySet().stream().mapToInt(VfmModel::layer).max().orElseThrow();
    }

    /**
     * The rows' values side by side, {@code rows x width}, for one tensor of the batch.
     *
     * @param values each row's values, e.g. an image's pixels
     * @param width how many values an input of this backbone has
     * @throws IllegalArgumentException when an input has another number of values
     */
    public static float[] pack(
            List<BackboneRow> rows, Function<ModelInput, float[]> values, int width) {
        float[] flat = new float[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            float[] row = values.apply(rows.get(r).input());
            if (row.length != width) {
                throw new IllegalArgumentException(
                        "an input has " + row.length + " values; the backbone takes " + width);
            }
            System.arraycopy(row, 0, flat, r * width, width);
        }
        return flat;
    }

    /** Each backbone row's adapter modules, in backbone-row order. */
    public List<List<LoraModule>> modules() {
        return backboneRows.stream().map(BackboneRow::modules).toList();
    }
}
