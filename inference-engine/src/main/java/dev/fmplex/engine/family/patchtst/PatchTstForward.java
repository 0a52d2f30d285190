package dev.fmplex.engine.family.patchtst;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.execution.LoraDeltas;
import dev.fmplex.engine.extension.LoraModule;
import java.util.List;
import java.util.Set;

/**
 * How a batch's PatchTST forward pass is computed: eagerly with DJL ({@link #eager}, the reference)
 * or as one ONNX Runtime graph ({@link OrtPatchTstEncoder}). Both give the same hidden states.
 */
interface PatchTstForward {

    /**
     * @param patches the rows' scaled patches, {@code [rows, channels, patches, patch_length]}
     *     flattened
     * @param layers the hidden-state indices the batch's heads read (0 = embeddings)
     * @param sequenceModules each encoder sequence's LoRA modules ({@code rows x channels}, channel
     *     by channel within a row), empty when it has none
     * @return hidden states by index, at least those in {@code layers}, each {@code [rows x
     *     channels, positions, d_model]}
     */
    NDArray[] forward(
            NDManager batch,
            float[] patches,
            int rows,
            Set<Integer> layers,
            List<? extends List<LoraModule>> sequenceModules);

    /** The eager DJL encoder, stopping at the deepest layer asked for. */
    static PatchTstForward eager(PatchTstEncoder encoder) {
        return (batch, patches, rows, layers, sequenceModules) -> {
            PatchTstConfig config = encoder.config();
            NDArray input =
                    batch.create(
                            patches,
                            new Shape(
                                    rows,
                                    config.channels(),
                                    config.patches(),
                                    config.patchLength()));
            return encoder.forward(
                    input,
                    layers.stream().mapToInt(Integer::intValue).max().orElseThrow(),
                    LoraDeltas.of(batch, sequenceModules));
        };
    }
}
