package dev.fmplex.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.fmplex.engine.checkpoint.BackboneParameters;

/**
 * The building blocks every encoder family computes with, over a backbone's named parameters: a
 * projection with the batch's per-row LoRA delta, LayerNorm, and an embedding lookup. Each family
 * composes them in its own order; keeping them here keeps the arithmetic (and the place where LoRA
 * enters) one and the same for all.
 */
public final class Layers {

    private Layers() {}

    /**
     * {@code x·Wᵀ + b}, then what the rows' adapters add at ({@code layer}, {@code role}).
     *
     * @param bias the bias parameter's name, or null for a projection without bias
     * @param layer the index LoRA modules use for this layer (a tower's base included)
     */
    public static NDArray project(
            NDArray input,
            BackboneParameters<?> parameters,
            String weight,
            String bias,
            int layer,
            Projection role,
            LinearDelta delta) {
        NDArray output =
                Linear.linear(
                                input,
                                parameters.get(weight),
                                bias == null ? null : parameters.get(bias))
                        .singletonOrThrow();
        return delta.adjust(layer, role, input, output);
    }

    /** LayerNorm over the last axis with {@code prefix.weight} and {@code prefix.bias}. */
    public static NDArray layerNorm(
            NDArray input, BackboneParameters<?> parameters, String prefix, float eps) {
        Shape shape = input.getShape();
        return LayerNorm.layerNorm(
                        input,
                        new Shape(shape.get(shape.dimension() - 1)),
                        parameters.get(prefix + ".weight"),
                        parameters.get(prefix + ".bias"),
                        eps)
                .singletonOrThrow();
    }

    /** Rows of the embedding table {@code table} at {@code indices}. */
    public static NDArray lookup(NDArray indices, BackboneParameters<?> parameters, String table) {
        return Embedding.embedding(indices, parameters.get(table), SparseFormat.DENSE)
                .singletonOrThrow();
    }
}
