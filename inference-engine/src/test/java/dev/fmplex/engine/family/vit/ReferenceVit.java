package dev.fmplex.engine.family.vit;

import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ReferenceMath;
import java.util.Map;

/**
 * ViT's forward written in plain Java doubles, loop by loop from the definition of {@code
 * ViTModel}: no PyTorch, no batching, no shared code with the encoder under test. Slow and only for
 * tiny configurations.
 */
final class ReferenceVit {

    private final VitConfig c;
    private final Map<String, HostTensor> w;

    ReferenceVit(VitConfig config, Map<String, HostTensor> weights) {
        this.c = config;
        this.w = weights;
    }

    /** last_hidden_state of one image, {@code [patches + 1][hidden]}. */
    double[][] lastHiddenState(float[] pixels, int offset) {
        int h = c.hiddenSize();
        int p = c.patchSize();
        int side = c.imageSize();
        int n = c.patchesPerSide();
        double[][] x = new double[c.sequenceLength()][h];
        float[] cls = w.get(VitParameterNames.CLS_TOKEN).values();
        float[] pos = w.get(VitParameterNames.POSITION_EMBEDDINGS).values();
        float[] kernel = w.get(VitParameterNames.PATCH_WEIGHT).values();
        float[] kernelBias = w.get(VitParameterNames.PATCH_BIAS).values();
        for (int j = 0; j < h; j++) {
            x[0][j] = cls[j] + pos[j];
        }
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                int token = 1 + row * n + col;
                for (int j = 0; j < h; j++) {
                    double sum = kernelBias[j];
                    for (int ch = 0; ch < c.channels(); ch++) {
                        for (int py = 0; py < p; py++) {
                            for (int px = 0; px < p; px++) {
                                double pixel =
                                        pixels[
                                                offset
                                                        + ch * side * side
                                                        + (row * p + py) * side
                                                        + col * p
                                                        + px];
                                sum += kernel[((j * c.channels() + ch) * p + py) * p + px] * pixel;
                            }
                        }
                    }
                    x[token][j] = sum + pos[token * h + j];
                }
            }
        }
        for (int layer = 0; layer < c.layers(); layer++) {
            double[][] normed = norm(x, VitParameterNames.normBefore(layer));
            double[][] q = linear(normed, layer, Projection.QUERY);
            double[][] k = linear(normed, layer, Projection.KEY);
            double[][] v = linear(normed, layer, Projection.VALUE);
            double[][] context = attention(q, k, v);
            double[][] attended = add(linear(context, layer, Projection.ATTENTION_OUTPUT), x);
            double[][] inner =
                    linear(
                            norm(attended, VitParameterNames.normAfter(layer)),
                            layer,
                            Projection.INTERMEDIATE);
            ReferenceMath.gelu(inner);
            x = add(linear(inner, layer, Projection.OUTPUT), attended);
        }
        return norm(x, VitParameterNames.FINAL_NORM);
    }

    private double[][] attention(double[][] q, double[][] k, double[][] v) {
        return ReferenceMath.attention(q, k, v, c.attentionHeads());
    }

    private double[][] linear(double[][] input, int layer, Projection linear) {
        return ReferenceMath.linear(
                input,
                w.get(VitParameterNames.weight(layer, linear)),
                w.get(VitParameterNames.bias(layer, linear)).values());
    }

    private double[][] norm(double[][] input, String prefix) {
        return ReferenceMath.layerNorm(
                input,
                w.get(prefix + ".weight").values(),
                w.get(prefix + ".bias").values(),
                c.layerNormEps());
    }

    private static double[][] add(double[][] a, double[][] b) {
        return ReferenceMath.add(a, b);
    }
}
