package dev.fmplex.engine.execution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.backbone.vit.VitConfig;
import dev.fmplex.engine.extension.LoraAdapter;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.torch.LinearDelta;
import dev.fmplex.engine.torch.TorchVitEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs images of any number of vFMs of one ViT backbone in ONE forward pass: each row carries its
 * own LoRA adapter (or none), applied to that row only by the same batched deltas as on text
 * ({@link LoraDeltas}). Images need no padding: every row has the same patches.
 *
 * <p>Everything a batch creates lives in one sub-manager closed at the end of the batch.
 */
public final class VisionBatchExecutor {

    /**
     * One image of one vFM.
     *
     * @param pixels the preprocessed image, {@code channels x size x size} values, channel-major
     * @param lora the vFM's adapter, or null for the frozen backbone
     */
    public record VisionRow(float[] pixels, LoraAdapter lora) {}

    private final TorchVitEncoder encoder;
    private final NDManager root;

    public VisionBatchExecutor(TorchVitEncoder encoder, NDManager root) {
        this.encoder = encoder;
        this.root = root;
    }

    /**
     * The CLS token of every row after the final LayerNorm, what {@code ViTForImageClassification}
     * feeds its classifier; in row order.
     */
    public List<float[]> clsFeatures(List<VisionRow> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one row");
        }
        VitConfig config = encoder.config();
        int values = config.channels() * config.imageSize() * config.imageSize();
        float[] flat = new float[rows.size() * values];
        List<List<LoraModule>> modules = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            VisionRow row = rows.get(r);
            if (row.pixels().length != values) {
                throw new IllegalArgumentException(
                        "row "
                                + r
                                + " has "
                                + row.pixels().length
                                + " pixel values; the backbone takes "
                                + values);
            }
            System.arraycopy(row.pixels(), 0, flat, r * values, values);
            modules.add(row.lora() == null ? List.of() : List.copyOf(row.lora().modules()));
        }
        try (NDManager batch = root.newSubManager()) {
            NDArray pixels =
                    batch.create(
                            flat,
                            new Shape(
                                    rows.size(),
                                    config.channels(),
                                    config.imageSize(),
                                    config.imageSize()));
            LinearDelta lora = LoraDeltas.of(batch, modules);
            NDArray[] hidden = encoder.forward(pixels, config.layers(), lora);
            float[] cls =
                    encoder.finalNorm(hidden[config.layers()])
                            .get(new NDIndex(":, 0, :"))
                            .toFloatArray();
            List<float[]> features = new ArrayList<>(rows.size());
            int width = config.hiddenSize();
            for (int r = 0; r < rows.size(); r++) {
                float[] vector = new float[width];
                System.arraycopy(cls, r * width, vector, 0, width);
                features.add(vector);
            }
            return features;
        }
    }
}
