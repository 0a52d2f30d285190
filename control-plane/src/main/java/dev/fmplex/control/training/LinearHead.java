package dev.fmplex.control.training;

/**
 * A fitted linear head over raw (unstandardized) features: {@code scores = weight x + bias}, one
 * row per output (a label, or the one regression value), as Hugging Face stores {@code
 * classifier.weight [outputs, features]} and {@code classifier.bias [outputs]}.
 */
public record LinearHead(double[][] weight, double[] bias) {

    public int outputs() {
        return bias.length;
    }

    public int features() {
        return weight[0].length;
    }

    public double[] scores(double[] x) {
        double[] scores = bias.clone();
        for (int k = 0; k < scores.length; k++) {
            double[] w = weight[k];
            double s = 0;
            for (int j = 0; j < w.length; j++) {
                s += w[j] * x[j];
            }
            scores[k] += s;
        }
        return scores;
    }

    /** The index of the highest score. */
    public int predictClass(double[] x) {
        double[] scores = scores(x);
        int best = 0;
        for (int k = 1; k < scores.length; k++) {
            if (scores[k] > scores[best]) {
                best = k;
            }
        }
        return best;
    }
}
