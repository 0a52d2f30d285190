package dev.fmplex.engine.family.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.family.clip.ClipParameterNames.Tower;
import dev.fmplex.engine.nn.LayerProjections;
import dev.fmplex.engine.nn.Layers;
import dev.fmplex.engine.nn.LinearDelta;
import dev.fmplex.engine.nn.MultiHeadAttention;
import dev.fmplex.engine.nn.Projection;
import java.util.List;

/**
 * Both towers of CLIP written op by op, as transformers' {@code CLIPModel}: pre-norm layers ({@code
 * h += attention(layer_norm1(h))}, {@code h += MLP(layer_norm2(h))}) with {@code quick_gelu}.
 *
 * <ul>
 *   <li>Text: token and position embeddings, a causal mask (and padding), the final LayerNorm, the
 *       state at the end-of-text token (found as transformers finds it), {@code text_projection}.
 *   <li>Vision: a bias-free patch convolution, the class embedding, positions, {@code
 *       pre_layrnorm}, the layers, {@code post_layernorm} on the class token only, {@code
 *       visual_projection}.
 * </ul>
 *
 * Every projection passes through a {@link LinearDelta}; vision layers are numbered from {@link
 * ClipParameterNames#VISION_LAYER_BASE}, so one delta carries a vFM's adapters of both towers.
 * Every array a pass creates is owned by the caller's manager (weights live in a capped one).
 */
final class ClipEncoder {

    private static final float MASKED_SCORE = -1e9f;

    private final ClipConfig config;
    private final BackboneParameters<ClipConfig> weights;
    private final MultiHeadAttention textAttention;
    private final MultiHeadAttention visionAttention;
    private final LayerProjections textProjections;
    private final LayerProjections visionProjections;

    public ClipEncoder(BackboneParameters<ClipConfig> weights) {
        this.config = weights.config();
        this.weights = weights;
        this.textAttention =
                new MultiHeadAttention(config.text().hiddenSize(), config.text().attentionHeads());
        this.visionAttention =
                new MultiHeadAttention(
                        config.vision().hiddenSize(), config.vision().attentionHeads());
        this.textProjections = towerProjections(weights, Tower.TEXT, 0);
        this.visionProjections =
                towerProjections(weights, Tower.VISION, ClipParameterNames.VISION_LAYER_BASE);
    }

    private static LayerProjections towerProjections(
            BackboneParameters<ClipConfig> weights, Tower tower, int layerBase) {
        return new LayerProjections(
                weights,
                (layer, role) -> ClipParameterNames.weight(tower, layer, role),
                (layer, role) -> ClipParameterNames.bias(tower, layer, role),
                layerBase);
    }

    public ClipConfig config() {
        return config;
    }

    /**
     * The text embeddings before normalization ({@code get_text_features}), {@code [rows,
     * projection_dim]}.
     *
     * @param rows token ids of each text, special tokens included, at most {@code
     *     max_position_embeddings} each
     */
    public NDArray textEmbeds(NDManager batch, List<long[]> rows, LinearDelta delta) {
        ClipTextRows texts = ClipTextRows.of(config.text(), rows);
        int count = texts.rows();
        int length = texts.length();
        long[] ids = texts.ids();
        long[] ends = texts.ends();
        float[] mask = new float[count * length * length];
        for (int r = 0; r < count; r++) {
            for (int query = 0; query < length; query++) {
                for (int key = 0; key < length; key++) {
                    if (key > query || key >= texts.lengths()[r]) {
                        mask[(r * length + query) * length + key] = MASKED_SCORE;
                    }
                }
            }
        }
        int hidden = config.text().hiddenSize();
        NDArray tokens = batch.create(ids, new Shape(count, length));
        NDArray positions = batch.arange(0, length, 1, DataType.INT64).reshape(1, length);
        NDArray x =
                lookup(tokens, ClipParameterNames.TOKEN_EMBEDDING)
                        .add(lookup(positions, ClipParameterNames.TEXT_POSITIONS));
        NDArray scoreMask = batch.create(mask, new Shape(count, 1, length, length));
        for (int layer = 0; layer < config.text().layers(); layer++) {
            x = layer(x, Tower.TEXT, layer, scoreMask, delta);
        }
        NDArray normed = norm(x, ClipParameterNames.FINAL_LAYER_NORM, config.text().layerNormEps());
        NDArray pooled = normed.reshape(count * length, hidden).get(batch.create(ends));
        return Linear.linear(pooled, weights.get(ClipParameterNames.TEXT_PROJECTION), null)
                .singletonOrThrow();
    }

    /**
     * The image embeddings before normalization ({@code get_image_features}), {@code [rows,
     * projection_dim]}.
     *
     * @param pixels preprocessed images {@code [rows, channels, size, size]} in the batch's manager
     */
    public NDArray imageEmbeds(NDArray pixels, LinearDelta delta) {
        ClipConfig.Vision vision = config.vision();
        NDManager batch = pixels.getManager();
        long rows = pixels.getShape().get(0);
        int hidden = vision.hiddenSize();
        NDArray patches =
                Conv2d.conv2d(
                                pixels,
                                weights.get(ClipParameterNames.PATCH_EMBEDDING),
                                batch.zeros(new Shape(hidden)),
                                new Shape(vision.patchSize(), vision.patchSize()))
                        .singletonOrThrow()
                        .reshape(rows, hidden, vision.patches())
                        .transpose(0, 2, 1);
        NDArray cls =
                batch.zeros(new Shape(rows, 1, hidden))
                        .add(weights.get(ClipParameterNames.CLASS_EMBEDDING));
        NDArray x =
                NDArrays.concat(new NDList(cls, patches), 1)
                        .add(weights.get(ClipParameterNames.VISION_POSITIONS));
        x = norm(x, ClipParameterNames.PRE_LAYER_NORM, vision.layerNormEps());
        for (int layer = 0; layer < vision.layers(); layer++) {
            x = layer(x, Tower.VISION, layer, null, delta);
        }
        NDArray pooled =
                norm(
                        x.get(new NDIndex(":, 0, :")),
                        ClipParameterNames.POST_LAYER_NORM,
                        vision.layerNormEps());
        return Linear.linear(pooled, weights.get(ClipParameterNames.VISUAL_PROJECTION), null)
                .singletonOrThrow();
    }

    /** {@code exp(logit_scale)}, the temperature of image-text similarities. */
    public float logitScale(NDManager batch) {
        return (float)
                Math.exp(
                        batch.zeros(new Shape())
                                .add(weights.get(ClipParameterNames.LOGIT_SCALE))
                                .getFloat());
    }

    private NDArray layer(
            NDArray input, Tower tower, int layer, NDArray scoreMask, LinearDelta delta) {
        float eps =
                tower == Tower.TEXT ? config.text().layerNormEps() : config.vision().layerNormEps();
        MultiHeadAttention attention = tower == Tower.TEXT ? textAttention : visionAttention;
        NDArray normed = norm(input, ClipParameterNames.norm(tower, layer, 1), eps);
        LayerProjections projections = tower == Tower.TEXT ? textProjections : visionProjections;
        NDArray context = projections.selfAttention(attention, normed, layer, scoreMask, delta);
        NDArray attended =
                projections.apply(context, layer, Projection.ATTENTION_OUTPUT, delta).add(input);
        NDArray inner =
                projections.apply(
                        norm(attended, ClipParameterNames.norm(tower, layer, 2), eps),
                        layer,
                        Projection.INTERMEDIATE,
                        delta);
        boolean quick =
                tower == Tower.TEXT ? config.text().quickGelu() : config.vision().quickGelu();
        NDArray activated =
                quick ? inner.mul(Activation.sigmoid(inner.mul(1.702f))) : Activation.gelu(inner);
        return projections.apply(activated, layer, Projection.OUTPUT, delta).add(attended);
    }

    private NDArray lookup(NDArray indices, String table) {
        return Layers.lookup(indices, weights, table);
    }

    private NDArray norm(NDArray input, String prefix, float eps) {
        return Layers.layerNorm(input, weights, prefix, eps);
    }
}
