package dev.fmplex.engine.family.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.nn.LayerProjections;
import dev.fmplex.engine.nn.Layers;
import dev.fmplex.engine.nn.LinearDelta;
import dev.fmplex.engine.nn.MultiHeadAttention;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.text.TokenBatch;

/**
 * The BERT encoder written op by op: embeddings (word + position + token type, LayerNorm), then per
 * layer multi-head self-attention with the padding mask, residual + LayerNorm, a GELU (erf)
 * feed-forward, residual + LayerNorm (post-norm, as BERT).
 *
 * <p>Written natively rather than loaded as a traced graph so that later extensions (per-row LoRA
 * deltas, soft prompts, early exit) can be injected at any layer.
 */
final class BertEncoder implements TextEncoder {

    /** Added to attention scores of padding keys; exp() of it is exactly 0 in fp32. */
    private static final float MASKED_SCORE = -1e9f;

    private final BertConfig config;
    private final BackboneParameters<BertConfig> weights;
    private final MultiHeadAttention attention;
    private final LayerProjections projections;

    public BertEncoder(BackboneParameters<BertConfig> weights) {
        this.config = weights.config();
        this.weights = weights;
        this.attention = new MultiHeadAttention(config.hiddenSize(), config.attentionHeads());
        this.projections =
                new LayerProjections(
                        weights, BertParameterNames::weight, BertParameterNames::bias, 0);
    }

    @Override
    public NDArray encode(NDManager manager, TokenBatch batch) {
        Shape tokens = new Shape(batch.rows(), batch.length());
        EncoderInputs inputs =
                new EncoderInputs(
                        manager.create(batch.ids(), tokens),
                        manager.create(batch.typeIds(), tokens),
                        manager.create(batch.attentionMask(), tokens),
                        null);
        NDArray[] hidden = forward(manager, inputs, config.layers(), LinearDelta.NONE);
        return hidden[config.layers()];
    }

    public BertConfig config() {
        return config;
    }

    /**
     * Runs the embeddings and the first {@code lastLayer} layers.
     *
     * @return hidden states by index, as Hugging Face's {@code hidden_states}: element 0 is the
     *     embedding output, element {@code i} the output of layer {@code i}
     */
    public NDArray[] forward(
            NDManager manager, EncoderInputs inputs, int lastLayer, LinearDelta delta) {
        long rows = inputs.ids().getShape().get(0);
        long length = inputs.ids().getShape().get(1);
        if (length > config.maxPositions()) {
            throw new IllegalArgumentException(
                    "batch length "
                            + length
                            + " exceeds the "
                            + config.maxPositions()
                            + " positions of this backbone");
        }
        if (lastLayer < 0 || lastLayer > config.layers()) {
            throw new IllegalArgumentException("lastLayer " + lastLayer + " out of range");
        }
        NDArray[] hidden = new NDArray[lastLayer + 1];
        hidden[0] = embed(manager, inputs);
        // [rows, 1, 1, length]: 0 for real keys, MASKED_SCORE for padding, broadcast over heads
        // and queries.
        NDArray scoreMask =
                inputs.attentionMask()
                        .toType(DataType.FLOAT32, false)
                        .sub(1f)
                        .mul(-MASKED_SCORE)
                        .reshape(rows, 1, 1, length);
        for (int layer = 0; layer < lastLayer; layer++) {
            hidden[layer + 1] = layer(hidden[layer], scoreMask, layer, delta);
        }
        return hidden;
    }

    private NDArray embed(NDManager manager, EncoderInputs inputs) {
        long length = inputs.ids().getShape().get(1);
        NDArray positions = manager.arange(0, (int) length, 1, DataType.INT64).reshape(1, length);
        NDArray words = lookup(inputs.ids(), BertParameterNames.WORD_EMBEDDINGS);
        if (inputs.prompts() != null) {
            // PEFT prompt tuning: virtual tokens take the place of word embeddings; position and
            // token-type embeddings and the LayerNorm apply to them like to any token.
            NDArray virtual = inputs.prompts().table().get(inputs.prompts().index());
            words =
                    NDArrays.where(
                            inputs.prompts().slots().broadcast(words.getShape()), virtual, words);
        }
        NDArray sum =
                words.add(lookup(positions, BertParameterNames.POSITION_EMBEDDINGS))
                        .add(lookup(inputs.typeIds(), BertParameterNames.TOKEN_TYPE_EMBEDDINGS));
        return norm(sum, BertParameterNames.EMBEDDINGS_NORM);
    }

    private NDArray layer(NDArray input, NDArray scoreMask, int layer, LinearDelta delta) {
        NDArray context = selfAttention(input, scoreMask, layer, delta);
        NDArray attended =
                norm(
                        project(context, Projection.ATTENTION_OUTPUT, layer, delta).add(input),
                        BertParameterNames.attentionNorm(layer));
        NDArray intermediate =
                Activation.gelu(project(attended, Projection.INTERMEDIATE, layer, delta));
        return norm(
                project(intermediate, Projection.OUTPUT, layer, delta).add(attended),
                BertParameterNames.outputNorm(layer));
    }

    private NDArray selfAttention(NDArray input, NDArray scoreMask, int layer, LinearDelta delta) {
        return projections.selfAttention(attention, input, layer, scoreMask, delta);
    }

    private NDArray project(NDArray input, Projection linear, int layer, LinearDelta delta) {
        return projections.apply(input, layer, linear, delta);
    }

    private NDArray lookup(NDArray indices, String table) {
        return Layers.lookup(indices, weights, table);
    }

    private NDArray norm(NDArray input, String prefix) {
        return Layers.layerNorm(input, weights, prefix, config.layerNormEps());
    }
}
