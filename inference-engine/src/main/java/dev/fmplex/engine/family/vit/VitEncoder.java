package dev.fmplex.engine.family.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.nn.LayerProjections;
import dev.fmplex.engine.nn.Layers;
import dev.fmplex.engine.nn.LinearDelta;
import dev.fmplex.engine.nn.MultiHeadAttention;
import dev.fmplex.engine.nn.Projection;

/**
 * The ViT encoder written op by op, as Hugging Face's {@code ViTModel}: patches embedded by a
 * convolution whose stride is its kernel, the CLS token prepended, position embeddings added; per
 * layer (pre-norm) {@code h += attention(LayerNorm(h))}, {@code h += MLP(LayerNorm(h))} with an erf
 * GELU; a final LayerNorm.
 *
 * <p>Every linear projection passes through a {@link LinearDelta}, so per-row LoRA adapters apply
 * exactly as on the text encoder. Every array a pass creates is owned by the caller's manager: each
 * op takes a batch array as its first operand (weights live in a capped manager).
 */
public final class VitEncoder {

    private final VitConfig config;
    private final BackboneParameters<VitConfig> weights;
    private final MultiHeadAttention attention;
    private final LayerProjections projections;
    private final Shape patchStride;

    public VitEncoder(BackboneParameters<VitConfig> weights) {
        this.config = weights.config();
        this.weights = weights;
        this.attention = new MultiHeadAttention(config.hiddenSize(), config.attentionHeads());
        this.projections =
                new LayerProjections(
                        weights, VitParameterNames::weight, VitParameterNames::bias, 0);
        this.patchStride = new Shape(config.patchSize(), config.patchSize());
    }

    public VitConfig config() {
        return config;
    }

    /**
     * The last hidden state after the final LayerNorm, {@code [rows, patches + 1, hidden]}: what
     * {@code ViTModel} returns as {@code last_hidden_state}.
     *
     * @param pixels preprocessed images {@code [rows, channels, size, size]} in the batch's manager
     */
    public NDArray encode(NDArray pixels) {
        NDArray[] hidden = forward(pixels, config.layers(), LinearDelta.NONE);
        return finalNorm(hidden[config.layers()]);
    }

    /**
     * Runs the embeddings and the first {@code lastLayer} layers.
     *
     * @return hidden states by index, as Hugging Face's {@code hidden_states}: element 0 is the
     *     embedding output, element {@code i} the output of layer {@code i} (before the final norm)
     */
    public NDArray[] forward(NDArray pixels, int lastLayer, LinearDelta delta) {
        Shape shape = pixels.getShape();
        if (shape.dimension() != 4
                || shape.get(1) != config.channels()
                || shape.get(2) != config.imageSize()
                || shape.get(3) != config.imageSize()) {
            throw new IllegalArgumentException(
                    "pixels must be [rows, "
                            + config.channels()
                            + ", "
                            + config.imageSize()
                            + ", "
                            + config.imageSize()
                            + "], are "
                            + shape);
        }
        if (lastLayer < 0 || lastLayer > config.layers()) {
            throw new IllegalArgumentException("lastLayer " + lastLayer + " out of range");
        }
        NDArray[] hidden = new NDArray[lastLayer + 1];
        hidden[0] = embed(pixels);
        for (int layer = 0; layer < lastLayer; layer++) {
            hidden[layer + 1] = layer(hidden[layer], layer, delta);
        }
        return hidden;
    }

    /** The final LayerNorm, applied to the last layer's output. */
    public NDArray finalNorm(NDArray hidden) {
        return norm(hidden, VitParameterNames.FINAL_NORM);
    }

    private NDArray embed(NDArray pixels) {
        long rows = pixels.getShape().get(0);
        // [rows, hidden, side, side] -> [rows, patches, hidden], patches in row-major order.
        NDArray patches =
                Conv2d.conv2d(
                                pixels,
                                weights.get(VitParameterNames.PATCH_WEIGHT),
                                weights.get(VitParameterNames.PATCH_BIAS),
                                patchStride)
                        .singletonOrThrow()
                        .reshape(rows, config.hiddenSize(), config.patches())
                        .transpose(0, 2, 1);
        NDArray cls =
                pixels.getManager()
                        .zeros(new Shape(rows, 1, config.hiddenSize()))
                        .add(weights.get(VitParameterNames.CLS_TOKEN));
        return NDArrays.concat(new NDList(cls, patches), 1)
                .add(weights.get(VitParameterNames.POSITION_EMBEDDINGS));
    }

    private NDArray layer(NDArray input, int layer, LinearDelta delta) {
        NDArray normed = norm(input, VitParameterNames.normBefore(layer));
        NDArray attended =
                project(
                                selfAttention(normed, layer, delta),
                                Projection.ATTENTION_OUTPUT,
                                layer,
                                delta)
                        .add(input);
        NDArray intermediate =
                Activation.gelu(
                        project(
                                norm(attended, VitParameterNames.normAfter(layer)),
                                Projection.INTERMEDIATE,
                                layer,
                                delta));
        return project(intermediate, Projection.OUTPUT, layer, delta).add(attended);
    }

    private NDArray selfAttention(NDArray input, int layer, LinearDelta delta) {
        return projections.selfAttention(attention, input, layer, null, delta);
    }

    private NDArray project(NDArray input, Projection linear, int layer, LinearDelta delta) {
        return projections.apply(input, layer, linear, delta);
    }

    private NDArray norm(NDArray input, String prefix) {
        return Layers.layerNorm(input, weights, prefix, config.layerNormEps());
    }
}
