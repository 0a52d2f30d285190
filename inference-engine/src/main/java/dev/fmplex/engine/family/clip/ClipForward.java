package dev.fmplex.engine.family.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.execution.LoraDeltas;
import dev.fmplex.engine.extension.LoraModule;
import java.util.List;

/**
 * How CLIP's towers are computed for a batch: eagerly with DJL ({@link #eager}, the reference) or
 * as ONNX Runtime graphs ({@link OrtClipEncoder}). Both give the same projected embeddings.
 */
interface ClipForward {

    /**
     * The texts' embeddings before normalization ({@code get_text_features}), {@code [rows,
     * projection_dim]}.
     *
     * @param ids each text's token ids, special tokens included
     * @param rowModules each row's LoRA modules (both towers'; the text tower's are used)
     */
    NDArray textEmbeds(
            NDManager batch, List<long[]> ids, List<? extends List<LoraModule>> rowModules);

    /**
     * The images' embeddings before normalization ({@code get_image_features}), {@code [rows,
     * projection_dim]}.
     *
     * @param pixels preprocessed images {@code [rows, channels, size, size]} flattened
     */
    NDArray imageEmbeds(
            NDManager batch, float[] pixels, int rows, List<? extends List<LoraModule>> rowModules);

    /** The eager DJL encoder. */
    static ClipForward eager(ClipEncoder encoder) {
        return new ClipForward() {
            @Override
            public NDArray textEmbeds(
                    NDManager batch,
                    List<long[]> ids,
                    List<? extends List<LoraModule>> rowModules) {
                return encoder.textEmbeds(batch, ids, LoraDeltas.of(batch, rowModules));
            }

            @Override
            public NDArray imageEmbeds(
                    NDManager batch,
                    float[] pixels,
                    int rows,
                    List<? extends List<LoraModule>> rowModules) {
                ClipConfig.Vision vision = encoder.config().vision();
                NDArray images =
                        batch.create(
                                pixels,
                                new Shape(
                                        rows,
                                        vision.channels(),
                                        vision.imageSize(),
                                        vision.imageSize()));
                return encoder.imageEmbeds(images, LoraDeltas.of(batch, rowModules));
            }
        };
    }
}
