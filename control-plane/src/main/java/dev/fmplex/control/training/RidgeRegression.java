package dev.fmplex.control.training;

/**
 * Least squares with an L2 penalty, {@code mean (y - w z - b)^2 + l2 |w|^2} on standardized
 * features, solved exactly: {@code (Z'Z / n + l2 I) w = Z'(y - mean y) / n} by Cholesky, {@code b =
 * mean y} (the features are centered).
 */
final class RidgeRegression {

    private RidgeRegression() {}

    static LinearHead fit(double[][] z, double[] y, double l2) {
        int n = z.length;
        int d = z[0].length;
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= n;
        double[][] a = new double[d][d];
        double[] rhs = new double[d];
        for (int i = 0; i < n; i++) {
            double centered = y[i] - mean;
            for (int j = 0; j < d; j++) {
                rhs[j] += z[i][j] * centered / n;
                for (int k = 0; k <= j; k++) {
                    a[j][k] += z[i][j] * z[i][k] / n;
                }
            }
        }
        for (int j = 0; j < d; j++) {
            a[j][j] += l2;
        }
        double[] w = choleskySolve(a, rhs);
        return new LinearHead(new double[][] {w}, new double[] {mean});
    }

    /** Solves {@code A x = b} for symmetric positive definite A given by its lower triangle. */
    private static double[] choleskySolve(double[][] a, double[] b) {
        int d = b.length;
        double[][] l = new double[d][d];
        for (int j = 0; j < d; j++) {
            double diagonal = a[j][j];
            for (int k = 0; k < j; k++) {
                diagonal -= l[j][k] * l[j][k];
            }
            l[j][j] = Math.sqrt(diagonal);
            for (int i = j + 1; i < d; i++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = s / l[j][j];
            }
        }
        double[] forward = new double[d];
        for (int i = 0; i < d; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * forward[k];
            }
            forward[i] = s / l[i][i];
        }
        double[] x = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double s = forward[i];
            for (int k = i + 1; k < d; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }
}
