package dev.fmplex.engine.family.patchtst;

import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ReferenceMath;
import java.util.Map;

/**
 * PatchTST's forward written in plain Java doubles from the definition of transformers' {@code
 * PatchTSTModel}: scaler, patchify, shared embedding, position encoding, encoder layers, no final
 * norm. No PyTorch, no batching, nothing shared with the code under test but the parameter names.
 */
public final class ReferencePatchTst {

    private final PatchTstConfig c;
    private final Map<String, HostTensor> w;

    public ReferencePatchTst(PatchTstConfig config, Map<String, HostTensor> weights) {
        this.c = config;
        this.w = weights;
    }

    /** {@code {loc, scale}} of one channel of a fully observed series, as the model's scaler. */
    public double[] scaler(double[][] series, int channel) {
        int length = series.length;
        return switch (c.scaling()) {
            case STD -> {
                double mean = 0;
                for (double[] step : series) {
                    mean += step[channel] / length;
                }
                double variance = 0;
                for (double[] step : series) {
                    variance += (step[channel] - mean) * (step[channel] - mean) / length;
                }
                yield new double[] {mean, Math.sqrt(variance + 1e-5)};
            }
            case MEAN -> {
                double absolute = 0;
                for (double[] step : series) {
                    absolute += Math.abs(step[channel]) / length;
                }
                yield new double[] {0, Math.max(absolute, 1e-10)};
            }
            case NONE -> new double[] {0, 1};
        };
    }

    /**
     * last_hidden_state of one series {@code [steps][channels]}: {@code [channels][positions][d]}.
     */
    public double[][][] lastHiddenState(double[][] series) {
        double[][][] out = new double[c.channels()][][];
        for (int channel = 0; channel < c.channels(); channel++) {
            out[channel] = channel(series, channel);
        }
        return out;
    }

    private double[][] channel(double[][] series, int channel) {
        double[] level = scaler(series, channel);
        int d = c.dModel();
        int offset = c.clsToken() ? 1 : 0;
        double[][] x = new double[c.positions()][d];
        HostTensor embedding = w.get(PatchTstParameterNames.EMBEDDING + ".weight");
        float[] embeddingBias = w.get(PatchTstParameterNames.EMBEDDING + ".bias").values();
        float[] positions = w.get(PatchTstParameterNames.POSITIONS).values();
        if (c.clsToken()) {
            float[] cls = w.get(PatchTstParameterNames.CLS_TOKEN).values();
            for (int j = 0; j < d; j++) {
                x[0][j] = cls[j] + positions[j];
            }
        }
        for (int n = 0; n < c.patches(); n++) {
            int start = c.sequenceStart() + n * c.patchStride();
            for (int j = 0; j < d; j++) {
                double sum = embeddingBias[j];
                for (int p = 0; p < c.patchLength(); p++) {
                    double scaled = (series[start + p][channel] - level[0]) / level[1];
                    sum += embedding.values()[j * c.patchLength() + p] * scaled;
                }
                x[offset + n][j] = sum + positions[(offset + n) * d + j];
            }
        }
        for (int layer = 0; layer < c.layers(); layer++) {
            if (c.preNorm()) {
                x = ReferenceMath.add(attention(norm(x, layer, 1), layer), x);
                x = ReferenceMath.add(feedForward(norm(x, layer, 3), layer), x);
            } else {
                x = norm(ReferenceMath.add(attention(x, layer), x), layer, 1);
                x = norm(ReferenceMath.add(feedForward(x, layer), x), layer, 3);
            }
        }
        return x;
    }

    private double[][] attention(double[][] x, int layer) {
        double[][] context =
                ReferenceMath.attention(
                        linear(x, layer, Projection.QUERY),
                        linear(x, layer, Projection.KEY),
                        linear(x, layer, Projection.VALUE),
                        c.attentionHeads());
        return linear(context, layer, Projection.ATTENTION_OUTPUT);
    }

    private double[][] feedForward(double[][] x, int layer) {
        return linear(
                ReferenceMath.gelu(linear(x, layer, Projection.INTERMEDIATE)),
                layer,
                Projection.OUTPUT);
    }

    private double[][] linear(double[][] x, int layer, Projection linear) {
        HostTensor bias = w.get(PatchTstParameterNames.bias(layer, linear));
        return ReferenceMath.linear(
                x,
                w.get(PatchTstParameterNames.weight(layer, linear)),
                bias == null ? null : bias.values());
    }

    /** LayerNorm, or BatchNorm in eval mode: running statistics per feature. */
    private double[][] norm(double[][] x, int layer, int sublayer) {
        String prefix = PatchTstParameterNames.norm(c, layer, sublayer);
        float[] scale = w.get(prefix + ".weight").values();
        float[] shift = w.get(prefix + ".bias").values();
        if (c.layerNorm()) {
            return ReferenceMath.layerNorm(x, scale, shift, c.normEps());
        }
        float[] mean = w.get(prefix + ".running_mean").values();
        float[] variance = w.get(prefix + ".running_var").values();
        double[][] out = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < x[t].length; j++) {
                out[t][j] =
                        (x[t][j] - mean[j]) / Math.sqrt(variance[j] + c.normEps()) * scale[j]
                                + shift[j];
            }
        }
        return out;
    }
}
