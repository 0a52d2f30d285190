package dev.fmplex.engine.family.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.HeadOutputs;
import dev.fmplex.engine.execution.RowResult;
import dev.fmplex.engine.execution.SharedRows;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.head.HeadRow;
import dev.fmplex.engine.image.ImageInput;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.text.EncodedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs texts and images of any number of vFMs of one CLIP backbone in one batch: one pass of the
 * text tower over every text row and one of the vision tower over every image row, each row with
 * its vFM's adapter (a vFM's text and vision modules live in one adapter, on disjoint layer
 * indices). Rows of vFMs that leave the backbone unchanged and carry equal inputs share one
 * backbone row ({@link SharedRows}). Each vFM's head then reads its rows' projected embeddings,
 * texts and images alike; a head that throws fails its own rows only.
 *
 * <p>Everything a batch creates lives in one sub-manager closed at the end of the batch.
 */
final class ClipBatchExecutor {

    private final ClipConfig config;
    private final ClipForward forward;
    private final NDManager root;

    ClipBatchExecutor(ClipConfig config, ClipForward forward, NDManager root) {
        this.config = config;
        this.forward = forward;
        this.root = root;
    }

    /**
     * @param rows rows whose inputs are {@link EncodedText}s or {@link ImageInput}s of this
     *     backbone
     */
    public BatchResult execute(List<BatchRow> rows) {
        for (int i = 0; i < rows.size(); i++) {
            ModelInput input = rows.get(i).input();
            if (!(input instanceof EncodedText) && !(input instanceof ImageInput)) {
                throw new IllegalArgumentException(
                        "row " + i + " is a " + input.getClass().getSimpleName());
            }
        }
        SharedRows shared = SharedRows.of(rows);
        // Each tower's rows; their embeddings are concatenated texts first, then images.
        List<SharedRows.BackboneRow> texts = new ArrayList<>();
        List<SharedRows.BackboneRow> images = new ArrayList<>();
        int[] position = new int[shared.backboneRows().size()];
        for (int b = 0; b < position.length; b++) {
            SharedRows.BackboneRow row = shared.backboneRows().get(b);
            boolean text = row.input() instanceof EncodedText;
            position[b] = text ? texts.size() : images.size();
            (text ? texts : images).add(row);
        }
        for (int b = 0; b < position.length; b++) {
            if (!(shared.backboneRows().get(b).input() instanceof EncodedText)) {
                position[b] += texts.size();
            }
        }
        try (NDManager batch = root.newSubManager()) {
            List<NDArray> embeds = new ArrayList<>(2);
            if (!texts.isEmpty()) {
                embeds.add(
                        forward.textEmbeds(
                                batch,
                                texts.stream().map(r -> ((EncodedText) r.input()).ids()).toList(),
                                texts.stream().map(SharedRows.BackboneRow::modules).toList()));
            }
            if (!images.isEmpty()) {
                embeds.add(
                        forward.imageEmbeds(
                                batch,
                                pixels(images),
                                images.size(),
                                images.stream().map(SharedRows.BackboneRow::modules).toList()));
            }
            NDArray all = embeds.size() == 1 ? embeds.get(0) : NDArrays.concat(new NDList(embeds));
            RowResult[] results = new RowResult[rows.size()];
            int[] backboneRowOf = shared.backboneRowOf();
            for (Map.Entry<VfmModel, List<Integer>> entry : shared.rowsByVfm().entrySet()) {
                VfmModel vfm = entry.getKey();
                List<Integer> rowIndices = entry.getValue();
                HeadOutputs.store(
                        vfm,
                        rowIndices,
                        () -> {
                            NDArray index =
                                    batch.create(
                                            rowIndices.stream()
                                                    .mapToLong(i -> position[backboneRowOf[i]])
                                                    .toArray());
                            List<HeadRow> headRows =
                                    rowIndices.stream()
                                            .map(i -> new HeadRow(rows.get(i).input(), 0))
                                            .toList();
                            return vfm.head().apply(all.get(index), headRows);
                        },
                        results);
            }
            return new BatchResult(List.of(results), position.length, shared.rowsByVfm().size());
        }
    }

    private float[] pixels(List<SharedRows.BackboneRow> images) {
        ClipConfig.Vision vision = config.vision();
        int values = vision.channels() * vision.imageSize() * vision.imageSize();
        return SharedRows.pack(images, input -> ((ImageInput) input).pixels(), values);
    }
}
