package dev.fmplex.engine.execution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.backbone.clip.ClipConfig;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.head.HeadRow;
import dev.fmplex.engine.image.ImageInput;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.engine.torch.TorchClipEncoder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs texts and images of any number of vFMs of one CLIP backbone in one batch: one pass of the
 * text tower over every text row and one of the vision tower over every image row, each row with
 * its vFM's adapter ({@link LoraDeltas}; a vFM's text and vision modules live in one adapter, on
 * disjoint layer indices). Rows of vFMs without LoRA that carry the same prepared input (a
 * fan-out's) share one backbone row. Each vFM's head then reads its rows' projected embeddings,
 * texts and images alike; a head that throws fails its own rows only.
 *
 * <p>Everything a batch creates lives in one sub-manager closed at the end of the batch.
 */
public final class ClipBatchExecutor {

    private final TorchClipEncoder encoder;
    private final NDManager root;

    public ClipBatchExecutor(TorchClipEncoder encoder, NDManager root) {
        this.encoder = encoder;
        this.root = root;
    }

    private record BackboneRow(ModelInput input, VfmModel adapted) {
        List<LoraModule> modules() {
            return adapted == null || adapted.lora() == null
                    ? List.of()
                    : List.copyOf(adapted.lora().modules());
        }
    }

    /**
     * @param rows rows whose inputs are {@link EncodedText}s or {@link ImageInput}s of this
     *     backbone
     */
    public BatchResult execute(List<BatchRow> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one row");
        }
        // Text rows first, then image rows: the order of the embeddings below.
        List<BackboneRow> texts = new ArrayList<>();
        List<BackboneRow> images = new ArrayList<>();
        Map<ModelInput, BackboneRow> shared = new IdentityHashMap<>();
        BackboneRow[] backboneRowOf = new BackboneRow[rows.size()];
        Map<VfmModel, List<Integer>> rowsByVfm = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            BatchRow row = rows.get(i);
            ModelInput input = row.input();
            if (!(input instanceof EncodedText) && !(input instanceof ImageInput)) {
                throw new IllegalArgumentException(
                        "row " + i + " is a " + input.getClass().getSimpleName());
            }
            List<BackboneRow> tower = input instanceof EncodedText ? texts : images;
            BackboneRow backboneRow;
            if (row.vfm().changesBackbone()) {
                backboneRow = new BackboneRow(input, row.vfm());
                tower.add(backboneRow);
            } else {
                backboneRow =
                        shared.computeIfAbsent(
                                input,
                                key -> {
                                    BackboneRow plain = new BackboneRow(input, null);
                                    tower.add(plain);
                                    return plain;
                                });
            }
            backboneRowOf[i] = backboneRow;
            rowsByVfm.computeIfAbsent(row.vfm(), key -> new ArrayList<>()).add(i);
        }
        try (NDManager batch = root.newSubManager()) {
            List<NDArray> embeds = new ArrayList<>(2);
            if (!texts.isEmpty()) {
                embeds.add(
                        encoder.textEmbeds(
                                batch,
                                texts.stream().map(r -> ((EncodedText) r.input()).ids()).toList(),
                                LoraDeltas.of(
                                        batch, texts.stream().map(BackboneRow::modules).toList())));
            }
            if (!images.isEmpty()) {
                embeds.add(
                        encoder.imageEmbeds(
                                pixels(batch, images),
                                LoraDeltas.of(
                                        batch,
                                        images.stream().map(BackboneRow::modules).toList())));
            }
            NDArray all = embeds.size() == 1 ? embeds.get(0) : NDArrays.concat(new NDList(embeds));
            Map<BackboneRow, Integer> position = new IdentityHashMap<>();
            for (int k = 0; k < texts.size(); k++) {
                position.put(texts.get(k), k);
            }
            for (int k = 0; k < images.size(); k++) {
                position.put(images.get(k), texts.size() + k);
            }

            RowResult[] results = new RowResult[rows.size()];
            for (Map.Entry<VfmModel, List<Integer>> entry : rowsByVfm.entrySet()) {
                VfmModel vfm = entry.getKey();
                List<Integer> rowIndices = entry.getValue();
                HeadOutputs.store(
                        vfm,
                        rowIndices,
                        () -> {
                            NDArray index =
                                    batch.create(
                                            rowIndices.stream()
                                                    .mapToLong(i -> position.get(backboneRowOf[i]))
                                                    .toArray());
                            List<HeadRow> headRows =
                                    rowIndices.stream()
                                            .map(i -> new HeadRow(rows.get(i).input(), 0))
                                            .toList();
                            return vfm.head().apply(all.get(index), headRows);
                        },
                        results);
            }
            return new BatchResult(
                    List.of(results), texts.size() + images.size(), rowsByVfm.size());
        }
    }

    private NDArray pixels(NDManager batch, List<BackboneRow> images) {
        ClipConfig.Vision vision = encoder.config().vision();
        int values = vision.channels() * vision.imageSize() * vision.imageSize();
        float[] flat = new float[images.size() * values];
        for (int r = 0; r < images.size(); r++) {
            float[] pixels = ((ImageInput) images.get(r).input()).pixels();
            if (pixels.length != values) {
                throw new IllegalArgumentException(
                        "an image has " + pixels.length + " values; the backbone takes " + values);
            }
            System.arraycopy(pixels, 0, flat, r * values, values);
        }
        return batch.create(
                flat,
                new Shape(
                        images.size(), vision.channels(), vision.imageSize(), vision.imageSize()));
    }
}
