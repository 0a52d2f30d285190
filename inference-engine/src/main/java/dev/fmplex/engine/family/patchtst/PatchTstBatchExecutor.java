package dev.fmplex.engine.family.patchtst;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.HeadOutputs;
import dev.fmplex.engine.execution.RowResult;
import dev.fmplex.engine.execution.SharedRows;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.head.HeadRow;
import dev.fmplex.engine.nn.Pooler;
import dev.fmplex.engine.series.SeriesInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs series of any number of vFMs of one PatchTST backbone in ONE forward pass.
 *
 * <ol>
 *   <li>Rows of vFMs that leave the backbone unchanged and carry equal prepared series become one
 *       backbone row ({@link SharedRows}).
 *   <li>Every channel of a row runs as its own sequence of patches, so the encoder sees {@code rows
 *       x channels} sequences; each carries its row's LoRA adapter ({@link LoraDeltas}).
 *   <li>The pass stops at the deepest layer any vFM reads. Each vFM pools its layer's states over
 *       the patches of every channel ({@code mean} or {@code max}; a class token, when the backbone
 *       has one, runs in the encoder but is not pooled); a forecast head reads those per channel,
 *       any other head all channels' concatenated (channel-major, as transformers' classification
 *       and regression heads flatten them). A head that throws or yields NaN fails its own rows
 *       only.
 * </ol>
 *
 * Everything a batch creates lives in one sub-manager closed at the end of the batch.
 */
final class PatchTstBatchExecutor {

    private final PatchTstConfig config;
    private final PatchTstForward forward;
    private final NDManager root;

    PatchTstBatchExecutor(PatchTstConfig config, PatchTstForward forward, NDManager root) {
        this.config = config;
        this.forward = forward;
        this.root = root;
    }

    /**
     * @param rows rows whose inputs are {@link SeriesInput}s of this backbone's shape
     */
    public BatchResult execute(List<BatchRow> rows) {
        int channels = config.channels();
        int values = channels * config.patches() * config.patchLength();
        SharedRows shared = SharedRows.of(rows);
        List<SharedRows.BackboneRow> backboneRows = shared.backboneRows();
        int[] backboneRowOf = shared.backboneRowOf();
        Set<Integer> layers = new TreeSet<>();
        shared.rowsByVfm().keySet().forEach(vfm -> layers.add(vfm.layer()));

        try (NDManager batch = root.newSubManager()) {
            int count = backboneRows.size();
            float[] flat =
                    SharedRows.pack(backboneRows, input -> ((SeriesInput) input).patches(), values);
            List<List<LoraModule>> modules = new ArrayList<>(count * channels);
            for (SharedRows.BackboneRow row : backboneRows) {
                // One encoder sequence per channel, each with its row's adapter.
                modules.addAll(Collections.nCopies(channels, row.modules()));
            }
            NDArray[] hidden = forward.forward(batch, flat, count, layers, modules);
            // Pooling runs over the patches only: a class token is not averaged in.
            long[] patchMask = new long[count * channels * config.positions()];
            for (int sequence = 0; sequence < count * channels; sequence++) {
                int first = sequence * config.positions() + (config.clsToken() ? 1 : 0);
                Arrays.fill(patchMask, first, (sequence + 1) * config.positions(), 1L);
            }
            NDArray patchPositions =
                    batch.create(patchMask, new Shape(count * channels, config.positions()));

            RowResult[] results = new RowResult[rows.size()];
            for (Map.Entry<VfmModel, List<Integer>> entry : shared.rowsByVfm().entrySet()) {
                VfmModel vfm = entry.getKey();
                List<Integer> rowIndices = entry.getValue();
                HeadOutputs.store(
                        vfm,
                        rowIndices,
                        () -> {
                            // The vFM's rows' sequences: channels consecutive per backbone row.
                            long[] sequences = new long[rowIndices.size() * channels];
                            for (int k = 0; k < rowIndices.size(); k++) {
                                for (int c = 0; c < channels; c++) {
                                    sequences[k * channels + c] =
                                            (long) backboneRowOf[rowIndices.get(k)] * channels + c;
                                }
                            }
                            NDArray index = batch.create(sequences);
                            NDArray pooled =
                                    Pooler.pool(
                                            hidden[vfm.layer()].get(index),
                                            patchPositions.get(index),
                                            vfm.pooling());
                            NDArray features =
                                    vfm.head().channelLevel()
                                            ? pooled.reshape(
                                                    rowIndices.size(), channels, config.dModel())
                                            : pooled.reshape(
                                                    rowIndices.size(),
                                                    (long) channels * config.dModel());
                            List<HeadRow> headRows =
                                    rowIndices.stream()
                                            .map(i -> new HeadRow(rows.get(i).input(), 0))
                                            .toList();
                            return vfm.head().apply(features, headRows);
                        },
                        results);
            }
            return new BatchResult(List.of(results), count, shared.rowsByVfm().size());
        }
    }
}
