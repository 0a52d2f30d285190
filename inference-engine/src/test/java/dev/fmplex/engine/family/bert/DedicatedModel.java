package dev.fmplex.engine.family.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.nn.LinearDelta;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import java.util.HashMap;
import java.util.Map;

/**
 * The reference for exactness: the dedicated, unshared model of one task. LoRA is merged into
 * copies of the weights ({@code W' = W + s·B·A}, computed here in plain Java from the raw arrays),
 * the prompt is prepended the way PEFT does, one row runs alone without padding, and pooling and
 * heads are plain Java arithmetic.
 */
final class DedicatedModel {

    private final RandomVfm vfm;
    private final BertConfig config;
    private final BertEncoder encoder;
    private final NDManager manager;

    DedicatedModel(RandomVfm vfm, BackboneParameters<BertConfig> base, NDManager manager)
            throws Exception {
        this.vfm = vfm;
        this.config = base.config();
        this.manager = manager;
        Map<String, NDArray> merged = new HashMap<>();
        for (String name : BertParameterNames.expectedShapes(config).keySet()) {
            merged.put(name, base.get(name));
        }
        float scale = (float) vfm.scaling();
        vfm.lora.forEach(
                (key, ab) -> {
                    int layer = Integer.parseInt(key.split("/")[0]);
                    Projection linear = Projection.valueOf(key.split("/")[1]);
                    long[] shape = BertParameterNames.weightShape(config, linear);
                    int out = (int) shape[0];
                    int in = (int) shape[1];
                    float[] w = base.get(BertParameterNames.weight(layer, linear)).toFloatArray();
                    for (int o = 0; o < out; o++) {
                        for (int i = 0; i < in; i++) {
                            double sum = 0;
                            for (int r = 0; r < vfm.rank; r++) {
                                sum += (double) ab[1][o * vfm.rank + r] * ab[0][r * in + i];
                            }
                            w[o * in + i] += (float) (scale * sum);
                        }
                    }
                    merged.put(
                            BertParameterNames.weight(layer, linear),
                            manager.create(w, new Shape(out, in)));
                });
        this.encoder = new BertEncoder(BertParameterNames.parameters(config, merged));
    }

    /** Hidden states [length, hidden] of one input (prompt positions first) at the task's layer. */
    float[][] hidden(long[] ids) {
        return hidden(ids, null);
    }

    /**
     * As {@link #hidden(long[])} for a sentence pair: {@code typeIds} (null for all 0) are the
     * segments of {@code ids}; virtual tokens are segment 0, as PEFT prepends zeros.
     */
    float[][] hidden(long[] ids, long[] typeIds) {
        int n = vfm.promptTokens;
        int length = n + ids.length;
        long[] allIds = new long[length];
        System.arraycopy(ids, 0, allIds, n, ids.length);
        long[] allTypes = new long[length];
        if (typeIds != null) {
            System.arraycopy(typeIds, 0, allTypes, n, typeIds.length);
        }
        Shape shape = new Shape(1, length);
        try (NDManager scope = manager.newSubManager()) {
            EncoderInputs.PromptInputs prompts = null;
            if (n > 0) {
                boolean[] slots = new boolean[length];
                long[] index = new long[length];
                for (int t = 0; t < n; t++) {
                    slots[t] = true;
                    index[t] = t;
                }
                prompts =
                        new EncoderInputs.PromptInputs(
                                scope.create(slots, shape).expandDims(2),
                                scope.create(index, shape),
                                scope.create(vfm.prompt, new Shape(n, config.hiddenSize())));
            }
            EncoderInputs inputs =
                    new EncoderInputs(
                            scope.create(allIds, shape),
                            scope.create(allTypes, shape),
                            scope.ones(shape, DataType.INT64),
                            prompts);
            int layer = vfm.task.layer() == null ? config.layers() : vfm.task.layer();
            float[] flat =
                    encoder.forward(scope, inputs, layer, LinearDelta.NONE)[layer].toFloatArray();
            float[][] states = new float[length][config.hiddenSize()];
            for (int t = 0; t < length; t++) {
                System.arraycopy(flat, t * config.hiddenSize(), states[t], 0, config.hiddenSize());
            }
            return states;
        }
    }

    /** The pooled features; mean and max read input tokens only, cls reads position 0. */
    float[] features(long[] ids) {
        return features(ids, null);
    }

    float[] features(long[] ids, long[] typeIds) {
        float[][] states = hidden(ids, typeIds);
        int h = config.hiddenSize();
        Pooling pooling = vfm.task.pooling();
        float[] pooled = new float[h];
        if (pooling == Pooling.CLS) {
            return states[0].clone();
        }
        int start = vfm.promptTokens;
        for (int j = 0; j < h; j++) {
            double acc = pooling == Pooling.MAX ? Double.NEGATIVE_INFINITY : 0;
            for (int t = start; t < start + ids.length; t++) {
                acc = pooling == Pooling.MAX ? Math.max(acc, states[t][j]) : acc + states[t][j];
            }
            pooled[j] = (float) (pooling == Pooling.MAX ? acc : acc / ids.length);
        }
        return pooled;
    }

    float[] embedding(long[] ids) {
        float[] f = features(ids);
        if (!((EmbeddingTask) vfm.task).normalize()) {
            return f;
        }
        double norm = 0;
        for (float v : f) {
            norm += v * v;
        }
        double scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
        for (int i = 0; i < f.length; i++) {
            f[i] *= (float) scale;
        }
        return f;
    }

    /** Class probabilities in label order. */
    double[] classScores(long[] ids) {
        return classScores(ids, null);
    }

    /** Class probabilities in label order of a sentence pair with segments {@code typeIds}. */
    double[] classScores(long[] ids, long[] typeIds) {
        double[] logits = logits(features(ids, typeIds));
        return ((ClassificationTask) vfm.task).multiLabel() ? sigmoid(logits) : softmax(logits);
    }

    double regression(long[] ids) {
        return regression(ids, null);
    }

    double regression(long[] ids, long[] typeIds) {
        return logits(features(ids, typeIds))[0];
    }

    /** Per input token (no [CLS]/[SEP]), the label probabilities. */
    double[][] tokenScores(long[] ids) {
        float[][] states = hidden(ids);
        int tokens = ids.length - 2;
        double[][] scores = new double[tokens][];
        for (int t = 0; t < tokens; t++) {
            scores[t] = softmax(logits(states[vfm.promptTokens + 1 + t]));
        }
        return scores;
    }

    private double[] logits(float[] features) {
        if (vfm.headKind == RandomVfm.HeadKind.MLP) {
            double[] hidden = affine(features, "classifier.dense");
            float[] activated = new float[hidden.length];
            for (int i = 0; i < hidden.length; i++) {
                activated[i] = (float) Math.tanh(hidden[i]);
            }
            return affine(activated, "classifier.out_proj");
        }
        return affine(features, vfm.headPrefix);
    }

    private double[] affine(float[] x, String prefix) {
        float[] w = vfm.head.get(prefix + ".weight").values();
        float[] b = vfm.head.get(prefix + ".bias").values();
        double[] y = new double[b.length];
        for (int o = 0; o < y.length; o++) {
            double sum = b[o];
            for (int i = 0; i < x.length; i++) {
                sum += (double) w[o * x.length + i] * x[i];
            }
            y[o] = sum;
        }
        return y;
    }

    private static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double total = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            total += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= total;
        }
        return p;
    }

    private static double[] sigmoid(double[] logits) {
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = 1 / (1 + Math.exp(-logits[i]));
        }
        return p;
    }
}
