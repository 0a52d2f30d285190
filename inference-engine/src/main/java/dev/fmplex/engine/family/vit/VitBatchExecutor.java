package dev.fmplex.engine.family.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.HeadOutputs;
import dev.fmplex.engine.execution.RowResult;
import dev.fmplex.engine.execution.SharedRows;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.head.HeadRow;
import dev.fmplex.engine.image.ImageInput;
import dev.fmplex.engine.nn.Pooler;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs images of any number of vFMs of one ViT backbone in ONE forward pass.
 *
 * <ol>
 *   <li>Rows of vFMs that leave the backbone unchanged and carry equal images become one backbone
 *       row ({@link SharedRows}).
 *   <li>Each adapted linear layer adds its LoRA delta to its own rows only, by the same batched
 *       deltas as on text ({@link LoraDeltas}). Images need no padding: every row has the same
 *       patches.
 *   <li>The pass stops at the deepest layer any vFM reads. A vFM reading the last layer sees it
 *       after the final LayerNorm, as {@code ViTModel}'s {@code last_hidden_state} and every
 *       transformers ViT head do; an earlier layer is {@code hidden_states[layer]}, before any
 *       norm. Its pooling (CLS by default for classification) then feeds its head; a head that
 *       throws or yields NaN fails its own rows only.
 * </ol>
 *
 * Everything a batch creates lives in one sub-manager closed at the end of the batch.
 */
final class VitBatchExecutor {

    private final VitConfig config;
    private final VitForward forward;
    private final NDManager root;

    VitBatchExecutor(VitConfig config, VitForward forward, NDManager root) {
        this.config = config;
        this.forward = forward;
        this.root = root;
    }

    /**
     * @param rows rows whose inputs are {@link ImageInput}s of this backbone's size
     */
    public BatchResult execute(List<BatchRow> rows) {
        int values = config.channels() * config.imageSize() * config.imageSize();
        SharedRows shared = SharedRows.of(rows);
        List<SharedRows.BackboneRow> backboneRows = shared.backboneRows();
        int[] backboneRowOf = shared.backboneRowOf();
        Set<Integer> layers = new TreeSet<>();
        shared.rowsByVfm().keySet().forEach(vfm -> layers.add(vfm.layer()));

        try (NDManager batch = root.newSubManager()) {
            float[] pixels =
                    SharedRows.pack(backboneRows, input -> ((ImageInput) input).pixels(), values);
            NDArray[] hidden =
                    forward.forward(batch, pixels, backboneRows.size(), layers, shared.modules());
            NDArray everyPosition =
                    batch.ones(
                            new Shape(backboneRows.size(), config.sequenceLength()),
                            DataType.INT64);

            RowResult[] results = new RowResult[rows.size()];
            for (Map.Entry<VfmModel, List<Integer>> entry : shared.rowsByVfm().entrySet()) {
                runHead(
                        batch,
                        entry.getKey(),
                        entry.getValue(),
                        rows,
                        backboneRowOf,
                        hidden,
                        everyPosition,
                        results);
            }
            return new BatchResult(
                    List.of(results), backboneRows.size(), shared.rowsByVfm().size());
        }
    }

    private static void runHead(
            NDManager batch,
            VfmModel vfm,
            List<Integer> rowIndices,
            List<BatchRow> rows,
            int[] backboneRowOf,
            NDArray[] hidden,
            NDArray everyPosition,
            RowResult[] results) {
        HeadOutputs.store(
                vfm,
                rowIndices,
                () -> {
                    NDArray index =
                            batch.create(
                                    rowIndices.stream().mapToLong(i -> backboneRowOf[i]).toArray());
                    NDArray features =
                            Pooler.pool(
                                    hidden[vfm.layer()].get(index),
                                    everyPosition.get(index),
                                    vfm.pooling());
                    List<HeadRow> headRows =
                            rowIndices.stream()
                                    .map(i -> new HeadRow(rows.get(i).input(), 0))
                                    .toList();
                    return vfm.head().apply(features, headRows);
                },
                results);
    }
}
