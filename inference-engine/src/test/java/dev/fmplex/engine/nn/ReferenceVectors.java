package dev.fmplex.engine.nn;

/** What tests compute by hand on a reference model's outputs: softmax, unit length, distance. */
public final class ReferenceVectors {

    private ReferenceVectors() {}

    /** Softmax in doubles, shifted by the maximum. */
    public static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /** The vector scaled to unit L2 length. */
    public static double[] unit(double[] vector) {
        double norm = 0;
        for (double value : vector) {
            norm += value * value;
        }
        double[] out = new double[vector.length];
        for (int j = 0; j < vector.length; j++) {
            out[j] = vector[j] / Math.sqrt(norm);
        }
        return out;
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int j = 0; j < a.length; j++) {
            max = Math.max(max, Math.abs(a[j] - b[j]));
        }
        return max;
    }
}
