package dev.fmplex.bench.cluster;

import java.util.List;

/**
 * Time of one forward batch on one executor lane (one intra-op thread), as a linear model of what
 * the batch computes:
 *
 * <pre>
 *   ms = c0 + c1 * layers + c2 * denseGmac + c3 * attentionGmac
 * </pre>
 *
 * where {@code denseGmac = rows * padded * layers * (4 h^2 + 2 h i) / 1e9} (the four attention
 * projections and the two feed-forward matrices) and {@code attentionGmac = rows * padded^2 *
 * layers * 2 h / 1e9} (scores and their weighted sum). {@code c0} and {@code c1} are what a batch
 * costs regardless of its size: dispatch, per-layer op launches, pooling. Coefficients come from
 * {@link #fit}, a least-squares fit of measured batches weighted to minimize relative error.
 */
record BatchCostModel(
        double fixedMs, double perLayerMs, double msPerDenseGmac, double msPerAttentionGmac) {

    /** One measured batch: its shape and the milliseconds it took. */
    record Sample(BackboneProfile backbone, int rows, int padded, double ms) {}

    /** Predicted milliseconds of a batch of {@code rows} rows padded to {@code padded} units. */
    double predictMs(BackboneProfile backbone, int rows, int padded) {
        double[] x = features(backbone, rows, padded);
        return fixedMs * x[0]
                + perLayerMs * x[1]
                + msPerDenseGmac * x[2]
                + msPerAttentionGmac * x[3];
    }

    static double[] features(BackboneProfile b, int rows, int padded) {
        double h = b.hidden();
        double dense = (double) rows * padded * b.layers() * (4 * h * h + 2 * h * b.intermediate());
        double attention = (double) rows * padded * padded * b.layers() * 2 * h;
        return new double[] {1, b.layers(), dense / 1e9, attention / 1e9};
    }

    /**
     * Weighted least squares on relative error (each sample's equation divided by its measured
     * time, so a 1 ms batch counts as much as a 1 s one), with every coefficient kept >= 0: a
     * negative cost per unit of work means the samples cannot separate that term, and it would
     * predict nonsense away from them. Such a term is dropped and the rest refitted.
     */
    static BatchCostModel fit(List<Sample> samples) {
        boolean[] active = {true, true, true, true};
        while (true) {
            double[] c = leastSquares(samples, active);
            int worst = -1;
            for (int i = 0; i < c.length; i++) {
                if (active[i] && c[i] < 0 && (worst < 0 || c[i] < c[worst])) {
                    worst = i;
                }
            }
            if (worst < 0) {
                return new BatchCostModel(c[0], c[1], c[2], c[3]);
            }
            active[worst] = false;
        }
    }

    private static double[] leastSquares(List<Sample> samples, boolean[] active) {
        int k = active.length;
        double[][] normal = new double[k][k + 1];
        for (Sample s : samples) {
            double[] x = features(s.backbone(), s.rows(), s.padded());
            for (int i = 0; i < k; i++) {
                if (!active[i]) {
                    x[i] = 0;
                }
            }
            double w = 1 / (s.ms() * s.ms());
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    normal[i][j] += w * x[i] * x[j];
                }
                normal[i][k] += w * x[i] * s.ms();
            }
        }
        return solve(normal);
    }

    /** Mean of |predicted / measured - 1| over the samples. */
    double meanRelativeError(List<Sample> samples) {
        return samples.stream()
                .mapToDouble(
                        s -> Math.abs(predictMs(s.backbone(), s.rows(), s.padded()) / s.ms() - 1))
                .average()
                .orElse(Double.NaN);
    }

    /** Largest |predicted / measured - 1| over the samples. */
    double maxRelativeError(List<Sample> samples) {
        return samples.stream()
                .mapToDouble(
                        s -> Math.abs(predictMs(s.backbone(), s.rows(), s.padded()) / s.ms() - 1))
                .max()
                .orElse(Double.NaN);
    }

    /**
     * Gauss-Jordan elimination with partial pivoting on an augmented n x (n+1) system. A feature no
     * sample varies (one backbone only fixes layers) makes the system singular; its coefficient is
     * then 0, and the others absorb it.
     */
    private static double[] solve(double[][] a) {
        int n = a.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int row = col + 1; row < n; row++) {
                if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
                    pivot = row;
                }
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            double scale = Math.abs(a[col][col]);
            double size = 0;
            for (int j = 0; j < n; j++) {
                size = Math.max(size, Math.abs(a[col][j]));
            }
            if (scale <= 1e-9 * Math.max(size, 1e-300)) {
                // Singular column: drop the feature.
                for (int row = 0; row < n; row++) {
                    a[row][col] = 0;
                }
                a[col][col] = 1;
                a[col][n] = 0;
                for (int j = 0; j < n; j++) {
                    if (j != col) {
                        a[col][j] = 0;
                    }
                }
                continue;
            }
            for (int row = 0; row < n; row++) {
                if (row != col) {
                    double factor = a[row][col] / a[col][col];
                    for (int j = col; j <= n; j++) {
                        a[row][j] -= factor * a[col][j];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = a[i][n] / a[i][i];
        }
        return x;
    }
}
