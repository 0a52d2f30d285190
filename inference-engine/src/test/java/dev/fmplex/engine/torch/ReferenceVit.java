package dev.fmplex.engine.torch;

import dev.fmplex.engine.backbone.BertParameterNames.LayerLinear;
import dev.fmplex.engine.backbone.hf.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.backbone.vit.VitConfig;
import dev.fmplex.engine.backbone.vit.VitParameterNames;
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
            double[][] q = linear(normed, layer, LayerLinear.QUERY);
            double[][] k = linear(normed, layer, LayerLinear.KEY);
            double[][] v = linear(normed, layer, LayerLinear.VALUE);
            double[][] context = attention(q, k, v);
            double[][] attended = add(linear(context, layer, LayerLinear.ATTENTION_OUTPUT), x);
            double[][] inner =
                    linear(
                            norm(attended, VitParameterNames.normAfter(layer)),
                            layer,
                            LayerLinear.INTERMEDIATE);
            for (double[] r : inner) {
                for (int j = 0; j < r.length; j++) {
                    r[j] = gelu(r[j]);
                }
            }
            x = add(linear(inner, layer, LayerLinear.OUTPUT), attended);
        }
        return norm(x, VitParameterNames.FINAL_NORM);
    }

    private double[][] attention(double[][] q, double[][] k, double[][] v) {
        int tokens = q.length;
        int heads = c.attentionHeads();
        int d = c.headSize();
        double[][] out = new double[tokens][c.hiddenSize()];
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < tokens; i++) {
                double[] scores = new double[tokens];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < tokens; j++) {
                    double dot = 0;
                    for (int e = 0; e < d; e++) {
                        dot += q[i][head * d + e] * k[j][head * d + e];
                    }
                    scores[j] = dot / Math.sqrt(d);
                    max = Math.max(max, scores[j]);
                }
                double total = 0;
                for (int j = 0; j < tokens; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    total += scores[j];
                }
                for (int j = 0; j < tokens; j++) {
                    for (int e = 0; e < d; e++) {
                        out[i][head * d + e] += scores[j] / total * v[j][head * d + e];
                    }
                }
            }
        }
        return out;
    }

    private double[][] linear(double[][] input, int layer, LayerLinear linear) {
        HostTensor weight = w.get(VitParameterNames.weight(layer, linear));
        float[] bias = w.get(VitParameterNames.bias(layer, linear)).values();
        int out = (int) weight.shape()[0];
        int in = (int) weight.shape()[1];
        double[][] result = new double[input.length][out];
        for (int t = 0; t < input.length; t++) {
            for (int o = 0; o < out; o++) {
                double sum = bias[o];
                for (int i = 0; i < in; i++) {
                    sum += weight.values()[o * in + i] * input[t][i];
                }
                result[t][o] = sum;
            }
        }
        return result;
    }

    private double[][] norm(double[][] input, String prefix) {
        float[] scale = w.get(prefix + ".weight").values();
        float[] shift = w.get(prefix + ".bias").values();
        double[][] out = new double[input.length][];
        for (int t = 0; t < input.length; t++) {
            double mean = 0;
            for (double value : input[t]) {
                mean += value;
            }
            mean /= input[t].length;
            double variance = 0;
            for (double value : input[t]) {
                variance += (value - mean) * (value - mean);
            }
            variance /= input[t].length;
            out[t] = new double[input[t].length];
            for (int j = 0; j < input[t].length; j++) {
                out[t][j] =
                        (input[t][j] - mean) / Math.sqrt(variance + c.layerNormEps()) * scale[j]
                                + shift[j];
            }
        }
        return out;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] out = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                out[i][j] = a[i][j] + b[i][j];
            }
        }
        return out;
    }

    /** GELU with erf, as PyTorch's default. */
    private static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf by its Taylor series (|x| < 3) or continued fraction: below 1e-12 error for both. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 3) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -ax * ax / n;
                double next = term / (2 * n + 1);
                sum += next;
                if (Math.abs(next) < 1e-17) {
                    break;
                }
            }
            return Math.signum(x) * 2 / Math.sqrt(Math.PI) * sum;
        }
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))).
        double fraction = 0;
        for (int k = 60; k >= 1; k--) {
            fraction = (k / 2.0) / (ax + fraction);
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + fraction);
        return Math.signum(x) * (1 - erfc);
    }
}
