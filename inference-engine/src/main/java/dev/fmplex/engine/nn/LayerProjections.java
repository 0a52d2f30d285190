package dev.fmplex.engine.nn;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.checkpoint.BackboneParameters;

/**
 * The projections of one encoder's layers over its named parameters: each family says where a
 * role's weight and bias sit, and every projection then runs the same way, with the batch's LoRA
 * delta, in {@link Layers#project}.
 */
public final class LayerProjections {

    /** A parameter's name for a layer and role; null for a bias the projection does not have. */
    @FunctionalInterface
    public interface ParameterName {
        String of(int layer, Projection role);
    }

    private final BackboneParameters<?> parameters;
    private final ParameterName weight;
    private final ParameterName bias;
    private final int layerBase;

    /**
     * @param layerBase added to a layer's index where LoRA modules are looked up, so two towers of
     *     one backbone never share an index (0 for the first)
     */
    public LayerProjections(
            BackboneParameters<?> parameters,
            ParameterName weight,
            ParameterName bias,
            int layerBase) {
        this.parameters = parameters;
        this.weight = weight;
        this.bias = bias;
        this.layerBase = layerBase;
    }

    /** {@code role}'s projection of {@code input} in {@code layer}, LoRA delta included. */
    public NDArray apply(NDArray input, int layer, Projection role, LinearDelta delta) {
        return Layers.project(
                input,
                parameters,
                weight.of(layer, role),
                bias.of(layer, role),
                layerBase + layer,
                role,
                delta);
    }

    /**
     * Self-attention of {@code layer}: query, key and value projected (each with its delta), then
     * attended; the output projection is the caller's, as families place it differently.
     *
     * @param scoreMask added to the scores; null when every position sees every other
     */
    public NDArray selfAttention(
            MultiHeadAttention attention,
            NDArray input,
            int layer,
            NDArray scoreMask,
            LinearDelta delta) {
        return attention.attend(
                apply(input, layer, Projection.QUERY, delta),
                apply(input, layer, Projection.KEY, delta),
                apply(input, layer, Projection.VALUE, delta),
                scoreMask);
    }
}
