package dev.fmplex.engine.family.clip;

import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.family.clip.ClipParameterNames.Tower;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ReferenceMath;
import java.util.Map;

/**
 * CLIP's {@code get_text_features} and {@code get_image_features} in plain Java doubles from the
 * definition of transformers' {@code CLIPModel}, one input at a time. No PyTorch, nothing shared
 * with the code under test but the parameter names.
 */
public final class ReferenceClip {

    private final ClipConfig c;
    private final Map<String, HostTensor> w;

    public ReferenceClip(ClipConfig config, Map<String, HostTensor> weights) {
        this.c = config;
        this.w = weights;
    }

    /** The projected text embedding (not normalized) of one token sequence. */
    public double[] textFeatures(long[] ids) {
        int d = c.text().hiddenSize();
        float[] tokens = w.get(ClipParameterNames.TOKEN_EMBEDDING).values();
        float[] positions = w.get(ClipParameterNames.TEXT_POSITIONS).values();
        double[][] x = new double[ids.length][d];
        // transformers: the first eos_token_id, or with the legacy id 2 the first largest id.
        int end = -1;
        for (int t = 0; t < ids.length; t++) {
            for (int j = 0; j < d; j++) {
                x[t][j] = tokens[(int) ids[t] * d + j] + positions[t * d + j];
            }
            if (end < 0 && c.text().eosTokenId() != 2 && ids[t] == c.text().eosTokenId()) {
                end = t;
            }
        }
        if (end < 0) {
            end = 0;
            for (int t = 0; t < ids.length; t++) {
                end = ids[t] > ids[end] ? t : end;
            }
        }
        for (int layer = 0; layer < c.text().layers(); layer++) {
            x =
                    layer(
                            x,
                            Tower.TEXT,
                            layer,
                            c.text().attentionHeads(),
                            c.text().layerNormEps(),
                            true);
        }
        double[][] normed = norm(x, ClipParameterNames.FINAL_LAYER_NORM, c.text().layerNormEps());
        return project(normed[end], ClipParameterNames.TEXT_PROJECTION);
    }

    /** The projected image embedding (not normalized) of one preprocessed image. */
    public double[] imageFeatures(float[] pixels) {
        ClipConfig.Vision v = c.vision();
        int d = v.hiddenSize();
        int p = v.patchSize();
        int side = v.imageSize();
        int n = v.patchesPerSide();
        float[] kernel = w.get(ClipParameterNames.PATCH_EMBEDDING).values();
        float[] cls = w.get(ClipParameterNames.CLASS_EMBEDDING).values();
        float[] positions = w.get(ClipParameterNames.VISION_POSITIONS).values();
        double[][] x = new double[v.sequenceLength()][d];
        for (int j = 0; j < d; j++) {
            x[0][j] = cls[j] + positions[j];
        }
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                int token = 1 + row * n + col;
                for (int j = 0; j < d; j++) {
                    double sum = 0;
                    for (int ch = 0; ch < v.channels(); ch++) {
                        for (int py = 0; py < p; py++) {
                            for (int px = 0; px < p; px++) {
                                sum +=
                                        kernel[((j * v.channels() + ch) * p + py) * p + px]
                                                * pixels[
                                                        ch * side * side
                                                                + (row * p + py) * side
                                                                + col * p
                                                                + px];
                            }
                        }
                    }
                    x[token][j] = sum + positions[token * d + j];
                }
            }
        }
        x = norm(x, ClipParameterNames.PRE_LAYER_NORM, v.layerNormEps());
        for (int layer = 0; layer < v.layers(); layer++) {
            x = layer(x, Tower.VISION, layer, v.attentionHeads(), v.layerNormEps(), false);
        }
        double[][] pooled =
                norm(new double[][] {x[0]}, ClipParameterNames.POST_LAYER_NORM, v.layerNormEps());
        return project(pooled[0], ClipParameterNames.VISUAL_PROJECTION);
    }

    /** {@code exp(logit_scale)}. */
    public double logitScale() {
        return Math.exp(w.get(ClipParameterNames.LOGIT_SCALE).values()[0]);
    }

    private double[][] layer(
            double[][] x, Tower tower, int layer, int heads, double eps, boolean causal) {
        double[][] normed = norm(x, ClipParameterNames.norm(tower, layer, 1), eps);
        double[][] context =
                ReferenceMath.attention(
                        linear(normed, tower, layer, Projection.QUERY),
                        linear(normed, tower, layer, Projection.KEY),
                        linear(normed, tower, layer, Projection.VALUE),
                        heads,
                        causal);
        double[][] attended =
                ReferenceMath.add(linear(context, tower, layer, Projection.ATTENTION_OUTPUT), x);
        double[][] inner =
                linear(
                        norm(attended, ClipParameterNames.norm(tower, layer, 2), eps),
                        tower,
                        layer,
                        Projection.INTERMEDIATE);
        for (double[] row : inner) {
            for (int j = 0; j < row.length; j++) {
                row[j] = row[j] / (1 + Math.exp(-1.702 * row[j]));
            }
        }
        return ReferenceMath.add(linear(inner, tower, layer, Projection.OUTPUT), attended);
    }

    private double[][] linear(double[][] x, Tower tower, int layer, Projection linear) {
        return ReferenceMath.linear(
                x,
                w.get(ClipParameterNames.weight(tower, layer, linear)),
                w.get(ClipParameterNames.bias(tower, layer, linear)).values());
    }

    private double[][] norm(double[][] x, String prefix, double eps) {
        return ReferenceMath.layerNorm(
                x, w.get(prefix + ".weight").values(), w.get(prefix + ".bias").values(), eps);
    }

    private double[] project(double[] pooled, String projection) {
        return ReferenceMath.linear(new double[][] {pooled}, w.get(projection), null)[0];
    }
}
