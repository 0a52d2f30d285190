package dev.fmplex.engine.family.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.execution.LoraDeltas;
import dev.fmplex.engine.extension.LoraModule;
import java.util.List;
import java.util.Set;

/**
 * How a batch's forward pass is computed: eagerly op by op with DJL ({@link #eager}, the reference
 * every other path is tested against) or as one ONNX Runtime graph ({@link OrtBertEncoder}). Both
 * take the same inputs and per-row extensions and give the same hidden states.
 */
interface BertForward {

    /**
     * @param layers the hidden-state indices the batch's heads read (0 = embeddings)
     * @param rowModules each backbone row's LoRA modules, empty when it has none
     * @return hidden states by index; at least those in {@code layers} are set
     */
    NDArray[] forward(
            NDManager batch,
            EncoderInputs inputs,
            Set<Integer> layers,
            List<? extends List<LoraModule>> rowModules);

    /** The eager DJL encoder, stopping at the deepest layer asked for. */
    static BertForward eager(BertEncoder encoder) {
        return (batch, inputs, layers, rowModules) ->
                encoder.forward(
                        batch,
                        inputs,
                        layers.stream().mapToInt(Integer::intValue).max().orElseThrow(),
                        LoraDeltas.of(batch, rowModules));
    }
}
