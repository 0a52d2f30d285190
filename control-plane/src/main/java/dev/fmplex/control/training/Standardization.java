package dev.fmplex.control.training;

/**
 * Per-feature mean and scale of a training set. Fitting on standardized features makes one L2
 * strength mean the same for every feature and conditions the optimizer; the fitted head is then
 * folded back onto raw features ({@link #unfold}), so serving needs no extra step.
 */
final class Standardization {

    final double[] mean;
    final double[] scale;

    private Standardization(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    static Standardization of(double[][] x) {
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= x.length;
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                double c = row[j] - mean[j];
                scale[j] += c * c;
            }
        }
        for (int j = 0; j < d; j++) {
            double sd = Math.sqrt(scale[j] / x.length);
            scale[j] = sd > 1e-12 ? sd : 1; // a constant feature stays as it is (centered to 0)
        }
        return new Standardization(mean, scale);
    }

    double[][] apply(double[][] x) {
        double[][] z = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            z[i] = new double[mean.length];
            for (int j = 0; j < mean.length; j++) {
                z[i][j] = (x[i][j] - mean[j]) / scale[j];
            }
        }
        return z;
    }

    /** The head on raw features that scores exactly as {@code head} does on standardized ones. */
    LinearHead unfold(LinearHead head) {
        double[][] weight = new double[head.outputs()][mean.length];
        double[] bias = head.bias().clone();
        for (int k = 0; k < head.outputs(); k++) {
            for (int j = 0; j < mean.length; j++) {
                weight[k][j] = head.weight()[k][j] / scale[j];
                bias[k] -= weight[k][j] * mean[j];
            }
        }
        return new LinearHead(weight, bias);
    }
}
