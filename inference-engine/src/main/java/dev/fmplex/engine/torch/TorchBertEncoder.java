package dev.fmplex.engine.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.fmplex.engine.backbone.BertConfig;
import dev.fmplex.engine.backbone.BertParameterNames;
import dev.fmplex.engine.backbone.BertParameterNames.LayerLinear;
import dev.fmplex.engine.backbone.BertWeights;
import dev.fmplex.engine.text.TokenBatch;

/**
 * The BERT encoder written op by op: embeddings (word + position + token type, LayerNorm), then per
 * layer multi-head self-attention with the padding mask, residual + LayerNorm, a GELU (erf)
 * feed-forward, residual + LayerNorm (post-norm, as BERT).
 *
 * <p>Written natively rather than loaded as a traced graph so that later extensions (per-row LoRA
 * deltas, soft prompts, early exit) can be injected at any layer.
 */
public final class TorchBertEncoder implements TextEncoder {

    /** Added to attention scores of padding keys; exp() of it is exactly 0 in fp32. */
    private static final float MASKED_SCORE = -1e9f;

    private final BertConfig config;
    private final BertWeights weights;
    private final Shape hiddenShape;
    private final float attentionScale;

    public TorchBertEncoder(BertWeights weights) {
        this.config = weights.config();
        this.weights = weights;
        this.hiddenShape = new Shape(config.hiddenSize());
        this.attentionScale = (float) (1.0 / Math.sqrt(config.headSize()));
    }

    @Override
    public NDArray encode(NDManager manager, TokenBatch batch) {
        if (batch.length() > config.maxPositions()) {
            throw new IllegalArgumentException(
                    "batch length "
                            + batch.length()
                            + " exceeds the "
                            + config.maxPositions()
                            + " positions of this backbone");
        }
        Shape tokens = new Shape(batch.rows(), batch.length());
        NDArray ids = manager.create(batch.ids(), tokens);
        NDArray typeIds = manager.create(batch.typeIds(), tokens);
        NDArray mask = manager.create(batch.attentionMask(), tokens);
        NDArray hidden = embed(manager, ids, typeIds, batch.length());
        // [rows, 1, 1, length]: 0 for real keys, MASKED_SCORE for padding, broadcast over heads and
        // queries.
        NDArray scoreMask =
                mask.toType(DataType.FLOAT32, false)
                        .sub(1f)
                        .mul(-MASKED_SCORE)
                        .reshape(batch.rows(), 1, 1, batch.length());
        for (int layer = 0; layer < config.layers(); layer++) {
            hidden = layer(hidden, scoreMask, layer);
        }
        return hidden;
    }

    private NDArray embed(NDManager manager, NDArray ids, NDArray typeIds, int length) {
        NDArray positions = manager.arange(0, length, 1, DataType.INT64).reshape(1, length);
        NDArray words = lookup(ids, BertParameterNames.WORD_EMBEDDINGS);
        NDArray sum =
                words.add(lookup(positions, BertParameterNames.POSITION_EMBEDDINGS))
                        .add(lookup(typeIds, BertParameterNames.TOKEN_TYPE_EMBEDDINGS));
        return norm(sum, BertParameterNames.EMBEDDINGS_NORM);
    }

    private NDArray layer(NDArray input, NDArray scoreMask, int layer) {
        NDArray context = selfAttention(input, scoreMask, layer);
        NDArray attended =
                norm(
                        project(context, LayerLinear.ATTENTION_OUTPUT, layer).add(input),
                        BertParameterNames.attentionNorm(layer));
        NDArray intermediate = Activation.gelu(project(attended, LayerLinear.INTERMEDIATE, layer));
        return norm(
                project(intermediate, LayerLinear.OUTPUT, layer).add(attended),
                BertParameterNames.outputNorm(layer));
    }

    private NDArray selfAttention(NDArray input, NDArray scoreMask, int layer) {
        long rows = input.getShape().get(0);
        long length = input.getShape().get(1);
        // The 1/sqrt(d) scale is folded into the queries: one multiply on [rows, length, hidden].
        NDArray query = heads(project(input, LayerLinear.QUERY, layer).mul(attentionScale));
        NDArray key = heads(project(input, LayerLinear.KEY, layer));
        NDArray value = heads(project(input, LayerLinear.VALUE, layer));
        NDArray scores = query.matMul(key.transpose(0, 1, 3, 2)).add(scoreMask);
        NDArray context = scores.softmax(-1).matMul(value);
        return context.transpose(0, 2, 1, 3).reshape(rows, length, config.hiddenSize());
    }

    /** [rows, length, hidden] -> [rows, heads, length, headSize]. */
    private NDArray heads(NDArray states) {
        long rows = states.getShape().get(0);
        long length = states.getShape().get(1);
        return states.reshape(rows, length, config.attentionHeads(), config.headSize())
                .transpose(0, 2, 1, 3);
    }

    private NDArray project(NDArray input, LayerLinear linear, int layer) {
        return Linear.linear(
                        input, weights.get(linear.weight(layer)), weights.get(linear.bias(layer)))
                .singletonOrThrow();
    }

    private NDArray lookup(NDArray indices, String table) {
        return Embedding.embedding(indices, weights.get(table), SparseFormat.DENSE)
                .singletonOrThrow();
    }

    private NDArray norm(NDArray input, String prefix) {
        return LayerNorm.layerNorm(
                        input,
                        hiddenShape,
                        weights.get(prefix + ".weight"),
                        weights.get(prefix + ".bias"),
                        config.layerNormEps())
                .singletonOrThrow();
    }
}
