package dev.fmplex.engine.nn;

import ai.djl.ndarray.NDArray;

/**
 * A hook after each of the backbone's linear layers: what per-row adapters (LoRA) add to the shared
 * {@code x·Wᵀ + b}. Layers without an adapter in the batch must return {@code output} untouched, so
 * rows without extensions pay nothing.
 */
@FunctionalInterface
public interface LinearDelta {

    /** No adapters anywhere. */
    LinearDelta NONE = (layer, linear, input, output) -> output;

    NDArray adjust(int layer, Projection linear, NDArray input, NDArray output);
}
