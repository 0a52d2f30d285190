package dev.fmplex.engine.family.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.execution.LoraDeltas;
import dev.fmplex.engine.extension.LoraModule;
import java.util.List;
import java.util.Set;

/**
 * How a batch's ViT forward pass is computed: eagerly with DJL ({@link #eager}, the reference) or
 * as one ONNX Runtime graph ({@link OrtVitEncoder}). Both give the same hidden states.
 */
interface VitForward {

    /**
     * @param pixels the rows' preprocessed images, {@code [rows, channels, size, size]} flattened
     * @param layers the hidden-state indices the batch's heads read (0 = embeddings)
     * @param rowModules each row's LoRA modules, empty when it has none
     * @return hidden states by index, at least those in {@code layers}; the last layer's is after
     *     the final LayerNorm ({@code ViTModel}'s {@code last_hidden_state}), earlier ones before
     *     any norm, as Hugging Face's {@code hidden_states}
     */
    NDArray[] forward(
            NDManager batch,
            float[] pixels,
            int rows,
            Set<Integer> layers,
            List<? extends List<LoraModule>> rowModules);

    /** The eager DJL encoder, stopping at the deepest layer asked for. */
    static VitForward eager(VitEncoder encoder) {
        return (batch, pixels, rows, layers, rowModules) -> {
            VitConfig config = encoder.config();
            NDArray images =
                    batch.create(
                            pixels,
                            new Shape(
                                    rows,
                                    config.channels(),
                                    config.imageSize(),
                                    config.imageSize()));
            int lastLayer = layers.stream().mapToInt(Integer::intValue).max().orElseThrow();
            NDArray[] hidden = encoder.forward(images, lastLayer, LoraDeltas.of(batch, rowModules));
            if (lastLayer == config.layers()) {
                hidden[lastLayer] = encoder.finalNorm(hidden[lastLayer]);
            }
            return hidden;
        };
    }
}
