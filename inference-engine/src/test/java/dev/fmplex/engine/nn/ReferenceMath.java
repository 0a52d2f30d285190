package dev.fmplex.engine.nn;

import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;

/**
 * The pieces of a transformer layer in plain Java doubles, loop by loop from their definitions, for
 * the reference encoders tests compare the native ones against. No PyTorch, no batching.
 */
public final class ReferenceMath {

    private ReferenceMath() {}

    /** {@code softmax(Q Kᵀ / sqrt(d)) V} per head, heads side by side; no mask. */
    public static double[][] attention(double[][] q, double[][] k, double[][] v, int heads) {
        return attention(q, k, v, heads, false);
    }

    /** As above; with {@code causal} a position attends to itself and earlier ones only. */
    public static double[][] attention(
            double[][] q, double[][] k, double[][] v, int heads, boolean causal) {
        int tokens = q.length;
        int width = q[0].length;
        int d = width / heads;
        double[][] out = new double[tokens][width];
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < tokens; i++) {
                double[] scores = new double[tokens];
                double max = Double.NEGATIVE_INFINITY;
                int keys = causal ? i + 1 : tokens;
                for (int j = 0; j < keys; j++) {
                    double dot = 0;
                    for (int e = 0; e < d; e++) {
                        dot += q[i][head * d + e] * k[j][head * d + e];
                    }
                    scores[j] = dot / Math.sqrt(d);
                    max = Math.max(max, scores[j]);
                }
                double total = 0;
                for (int j = 0; j < keys; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    total += scores[j];
                }
                for (int j = 0; j < keys; j++) {
                    for (int e = 0; e < d; e++) {
                        out[i][head * d + e] += scores[j] / total * v[j][head * d + e];
                    }
                }
            }
        }
        return out;
    }

    /** {@code x Wᵀ + b} per row, W stored {@code [out, in]}; {@code bias} may be null. */
    public static double[][] linear(double[][] input, HostTensor weight, float[] bias) {
        int out = (int) weight.shape()[0];
        int in = (int) weight.shape()[1];
        double[][] result = new double[input.length][out];
        for (int t = 0; t < input.length; t++) {
            for (int o = 0; o < out; o++) {
                double sum = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    sum += weight.values()[o * in + i] * input[t][i];
                }
                result[t][o] = sum;
            }
        }
        return result;
    }

    /** LayerNorm over each row (biased variance, as PyTorch). */
    public static double[][] layerNorm(double[][] input, float[] scale, float[] shift, double eps) {
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
                out[t][j] = (input[t][j] - mean) / Math.sqrt(variance + eps) * scale[j] + shift[j];
            }
        }
        return out;
    }

    public static double[][] add(double[][] a, double[][] b) {
        double[][] out = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                out[i][j] = a[i][j] + b[i][j];
            }
        }
        return out;
    }

    /** GELU with erf, as PyTorch's default, applied in place. */
    public static double[][] gelu(double[][] values) {
        for (double[] row : values) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 0.5 * row[j] * (1 + erf(row[j] / Math.sqrt(2)));
            }
        }
        return values;
    }

    /** erf by its Taylor series (|x| < 3) or continued fraction: below 1e-12 error for both. */
    public static double erf(double x) {
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
