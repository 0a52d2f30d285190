package dev.fmplex.engine.torch;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.backbone.BertParameterNames.LayerLinear;

/**
 * A hook after each of the backbone's linear layers: what per-row adapters (LoRA) add to the shared
 * {@code x·Wᵀ + b}. Layers without an adapter in the batch must return {@code output} untouched, so
 * rows without extensions pay nothing.
 */
@FunctionalInterface
public interface LinearDelta {

    /** No adapters anywhere. */
    LinearDelta NONE = (layer, linear, input, output) -> output;

    NDArray adjust(int layer, LayerLinear linear, NDArray input, NDArray output);
}
