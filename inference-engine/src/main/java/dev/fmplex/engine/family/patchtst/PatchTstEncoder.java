package dev.fmplex.engine.family.patchtst;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.nn.LayerProjections;
import dev.fmplex.engine.nn.Layers;
import dev.fmplex.engine.nn.LinearDelta;
import dev.fmplex.engine.nn.MultiHeadAttention;
import dev.fmplex.engine.nn.Projection;

/**
 * The PatchTST encoder written op by op, as transformers' {@code PatchTSTEncoder}: each channel's
 * patches embedded by one shared linear layer, the checkpoint's position encoding added (after a
 * class token when there is one), then per layer {@code h += attention(norm1(h))} and {@code h +=
 * FF(norm3(h))} (pre-norm; post-norm applies each norm after its residual), over every channel as
 * its own sequence. Norms are LayerNorm or eval-mode BatchNorm with running statistics; there is no
 * final norm. Scaling and patching happen before, on the host ({@code SeriesInputs}).
 *
 * <p>Every linear projection passes through a {@link LinearDelta}, so per-row LoRA adapters apply
 * exactly as on the other encoders; its rows are the {@code rows x channels} sequences. Every array
 * a pass creates is owned by the caller's manager: each op takes a batch array first.
 */
final class PatchTstEncoder {

    private final PatchTstConfig config;
    private final BackboneParameters<PatchTstConfig> weights;
    private final Shape hiddenShape;
    private final MultiHeadAttention attention;
    private final LayerProjections projections;

    public PatchTstEncoder(BackboneParameters<PatchTstConfig> weights) {
        this.config = weights.config();
        this.weights = weights;
        this.hiddenShape = new Shape(config.dModel());
        this.attention = new MultiHeadAttention(config.dModel(), config.attentionHeads());
        this.projections =
                new LayerProjections(weights, PatchTstParameterNames::weight, this::bias, 0);
    }

    public PatchTstConfig config() {
        return config;
    }

    /**
     * Runs the embedding and the first {@code lastLayer} layers.
     *
     * @param patches scaled patches {@code [rows, channels, patches, patch_length]} in the batch's
     *     manager
     * @return hidden states by index, as transformers' {@code hidden_states}, each {@code [rows x
     *     channels, positions, d_model]} (channel-major within a row): element 0 is the embedding
     *     output, element {@code i} the output of layer {@code i}
     */
    public NDArray[] forward(NDArray patches, int lastLayer, LinearDelta delta) {
        Shape shape = patches.getShape();
        if (shape.dimension() != 4
                || shape.get(1) != config.channels()
                || shape.get(2) != config.patches()
                || shape.get(3) != config.patchLength()) {
            throw new IllegalArgumentException(
                    "patches must be [rows, "
                            + config.channels()
                            + ", "
                            + config.patches()
                            + ", "
                            + config.patchLength()
                            + "], are "
                            + shape);
        }
        if (lastLayer < 0 || lastLayer > config.layers()) {
            throw new IllegalArgumentException("lastLayer " + lastLayer + " out of range");
        }
        NDArray[] hidden = new NDArray[lastLayer + 1];
        hidden[0] = embed(patches);
        for (int layer = 0; layer < lastLayer; layer++) {
            hidden[layer + 1] = layer(hidden[layer], layer, delta);
        }
        return hidden;
    }

    private NDArray embed(NDArray patches) {
        long rows = patches.getShape().get(0);
        long channels = config.channels();
        long d = config.dModel();
        NDArray embedded =
                Linear.linear(
                                patches,
                                weights.get(PatchTstParameterNames.EMBEDDING + ".weight"),
                                weights.get(PatchTstParameterNames.EMBEDDING + ".bias"))
                        .singletonOrThrow();
        // A batch-owned copy: slicing the capped weights' array would attach to their manager.
        NDArray positions =
                patches.getManager()
                        .zeros(new Shape(config.positions(), d))
                        .add(weights.get(PatchTstParameterNames.POSITIONS));
        if (config.clsToken()) {
            NDArray patchPositions = positions.get(new NDIndex("1:"));
            NDArray cls =
                    patches.getManager()
                            .zeros(new Shape(rows, channels, 1, d))
                            .add(weights.get(PatchTstParameterNames.CLS_TOKEN))
                            .add(positions.get(new NDIndex("0:1")));
            embedded = NDArrays.concat(new NDList(cls, embedded.add(patchPositions)), 2);
        } else {
            embedded = embedded.add(positions);
        }
        return embedded.reshape(rows * channels, config.positions(), d);
    }

    private NDArray layer(NDArray input, int layer, LinearDelta delta) {
        NDArray attended;
        if (config.preNorm()) {
            attended = selfAttention(norm(input, layer, 1), layer, delta).add(input);
        } else {
            attended = norm(selfAttention(input, layer, delta).add(input), layer, 1);
        }
        if (config.preNorm()) {
            return feedForward(norm(attended, layer, 3), layer, delta).add(attended);
        }
        return norm(feedForward(attended, layer, delta).add(attended), layer, 3);
    }

    private NDArray selfAttention(NDArray input, int layer, LinearDelta delta) {
        NDArray context = projections.selfAttention(attention, input, layer, null, delta);
        return project(context, Projection.ATTENTION_OUTPUT, layer, delta);
    }

    private NDArray feedForward(NDArray input, int layer, LinearDelta delta) {
        NDArray intermediate =
                Activation.gelu(project(input, Projection.INTERMEDIATE, layer, delta));
        return project(intermediate, Projection.OUTPUT, layer, delta);
    }

    private NDArray project(NDArray input, Projection linear, int layer, LinearDelta delta) {
        return projections.apply(input, layer, linear, delta);
    }

    /** The feed-forward projections carry a bias only when {@code ff_bias} says so. */
    private String bias(int layer, Projection role) {
        boolean feedForward = role == Projection.INTERMEDIATE || role == Projection.OUTPUT;
        return feedForward && !config.ffBias() ? null : PatchTstParameterNames.bias(layer, role);
    }

    /**
     * LayerNorm over {@code d_model}, or eval-mode BatchNorm: each feature normalized by the
     * running mean and variance the checkpoint stored, {@code (x - mean) / sqrt(var + eps) * w +
     * b}.
     */
    private NDArray norm(NDArray input, int layer, int sublayer) {
        String prefix = PatchTstParameterNames.norm(config, layer, sublayer);
        NDArray weight = weights.get(prefix + ".weight");
        NDArray bias = weights.get(prefix + ".bias");
        if (config.layerNorm()) {
            return Layers.layerNorm(input, weights, prefix, config.normEps());
        }
        NDArray deviation =
                input.getManager()
                        .full(hiddenShape, config.normEps())
                        .add(weights.get(prefix + ".running_var"))
                        .sqrt();
        return input.sub(weights.get(prefix + ".running_mean"))
                .div(deviation)
                .mul(weight)
                .add(bias);
    }
}
