package dev.fmplex.control.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HeadFitterTest {

    /** Gaussian blobs: class c centered at {@code separation * e_c} in {@code d} dimensions. */
    private static double[][] blobs(int[] labels, int d, double separation, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[labels.length][d];
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = random.nextGaussian() * 3 + 50 + (j == labels[i] ? separation : 0);
            }
        }
        return x;
    }

    private static int[] cycle(int n, int classes) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
        }
        return y;
    }

    /** Plain gradient descent on the same objective: slow, obviously right, independent. */
    private static double[][] gradientDescent(double[][] z, int[] y, int classes, double l2) {
        int d = z[0].length;
        double[][] w = new double[classes][d + 1];
        for (int step = 0; step < 20000; step++) {
            double[][] g = new double[classes][d + 1];
            for (int i = 0; i < z.length; i++) {
                double[] s = new double[classes];
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    s[k] = w[k][d];
                    for (int j = 0; j < d; j++) {
                        s[k] += w[k][j] * z[i][j];
                    }
                    max = Math.max(max, s[k]);
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    s[k] = Math.exp(s[k] - max);
                    sum += s[k];
                }
                for (int k = 0; k < classes; k++) {
                    double r = s[k] / sum - (y[i] == k ? 1 : 0);
                    for (int j = 0; j < d; j++) {
                        g[k][j] += r * z[i][j] / z.length;
                    }
                    g[k][d] += r / z.length;
                }
            }
            for (int k = 0; k < classes; k++) {
                for (int j = 0; j <= d; j++) {
                    w[k][j] -= 0.5 * (g[k][j] + (j < d ? l2 * w[k][j] : 0));
                }
            }
        }
        return w;
    }

    @Test
    void lbfgsFindsTheOptimumPlainGradientDescentFinds() {
        int[] y = cycle(60, 3);
        double[][] z = Standardization.of(blobs(y, 4, 2, 1)).apply(blobs(y, 4, 2, 1));
        LinearHead fitted = SoftmaxRegression.fit(z, y, 3, 0.1);
        double[][] reference = gradientDescent(z, y, 3, 0.1);
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < 4; j++) {
                assertThat(fitted.weight()[k][j]).isCloseTo(reference[k][j], within(1e-4));
            }
        }
        // Biases are defined up to a common shift (softmax); compare differences.
        assertThat(fitted.bias()[1] - fitted.bias()[0])
                .isCloseTo(reference[1][4] - reference[0][4], within(1e-4));
    }

    @Test
    void theUnfoldedHeadScoresRawFeaturesAsTheFittedOneScoresStandardizedOnes() {
        int[] y = cycle(40, 2);
        double[][] x = blobs(y, 5, 4, 2);
        Standardization standardization = Standardization.of(x);
        double[][] z = standardization.apply(x);
        LinearHead onStandardized = SoftmaxRegression.fit(z, y, 2, 0.01);
        LinearHead onRaw = standardization.unfold(onStandardized);
        for (int i = 0; i < x.length; i++) {
            double[] a = onStandardized.scores(z[i]);
            double[] b = onRaw.scores(x[i]);
            assertThat(b[0]).isCloseTo(a[0], within(1e-9));
            assertThat(b[1]).isCloseTo(a[1], within(1e-9));
        }
    }

    @Test
    void separableClassesAreLearnedAndTheReportIsOutOfFold() {
        int[] y = cycle(300, 3);
        double[][] x = blobs(y, 8, 12, 3);
        HeadFitter.ClassifierFit fit =
                HeadFitter.classifier(x, y, 3, HeadFitter.Options.defaults(7));
        assertThat(fit.accuracy()).isGreaterThan(0.97);
        assertThat(fit.macroF1()).isGreaterThan(0.97);
        long total = 0;
        long diagonal = 0;
        for (int a = 0; a < 3; a++) {
            for (int p = 0; p < 3; p++) {
                total += fit.confusion()[a][p];
                diagonal += a == p ? fit.confusion()[a][p] : 0;
            }
        }
        assertThat(total).isEqualTo(300);
        assertThat(fit.accuracy()).isEqualTo(diagonal / 300.0);
        assertThat(fit.candidates()).hasSize(HeadFitter.DEFAULT_L2.length);
        double chosenLoss =
                fit.candidates().stream()
                        .filter(c -> c.l2() == fit.l2())
                        .findFirst()
                        .orElseThrow()
                        .heldOutLoss();
        assertThat(fit.candidates()).allMatch(c -> c.heldOutLoss() >= chosenLoss);
        assertThat(fit.head().outputs()).isEqualTo(3);
        assertThat(fit.head().features()).isEqualTo(8);
    }

    @Test
    void theSameSeedAndDataGiveTheSameHeadBitForBit() {
        int[] y = cycle(90, 2);
        double[][] x = blobs(y, 6, 1.5, 4);
        var first = HeadFitter.classifier(x, y, 2, HeadFitter.Options.defaults(11));
        var second = HeadFitter.classifier(x, y, 2, HeadFitter.Options.defaults(11));
        assertThat(second.head().weight()).isDeepEqualTo(first.head().weight());
        assertThat(second.head().bias()).isEqualTo(first.head().bias());
        assertThat(second.confusion()).isDeepEqualTo(first.confusion());
    }

    @Test
    void stratifiedFoldsKeepTheClassBalance() {
        int[] y = new int[100];
        for (int i = 0; i < 100; i++) {
            y[i] = i < 80 ? 0 : 1; // 80 / 20
        }
        int[] fold = Folds.stratified(y, 2, 5, 3);
        for (int f = 0; f < 5; f++) {
            int zeros = 0;
            int ones = 0;
            for (int i = 0; i < 100; i++) {
                if (fold[i] == f) {
                    zeros += y[i] == 0 ? 1 : 0;
                    ones += y[i] == 1 ? 1 : 0;
                }
            }
            assertThat(zeros).isEqualTo(16);
            assertThat(ones).isEqualTo(4);
        }
    }

    @Test
    void ridgeMatchesTheClosedFormOfOneFeature() {
        Random random = new Random(5);
        double[][] x = new double[200][1];
        double[] y = new double[200];
        for (int i = 0; i < 200; i++) {
            x[i][0] = random.nextGaussian() * 2 + 3;
            y[i] = 4 * x[i][0] - 1 + random.nextGaussian() * 0.1;
        }
        double[][] z = Standardization.of(x).apply(x);
        double cov = 0;
        double mean = 0;
        for (double v : y) {
            mean += v / 200;
        }
        for (int i = 0; i < 200; i++) {
            cov += z[i][0] * (y[i] - mean) / 200;
        }
        LinearHead head = RidgeRegression.fit(z, y, 0.5);
        // Standardized: var(z) = 1, so w = cov(z, y) / (1 + l2).
        assertThat(head.weight()[0][0]).isCloseTo(cov / 1.5, within(1e-9));
        assertThat(head.bias()[0]).isCloseTo(mean, within(1e-12));

        HeadFitter.RegressorFit fit = HeadFitter.regressor(x, y, HeadFitter.Options.defaults(1));
        assertThat(fit.rmse()).isLessThan(0.2);
        assertThat(fit.head().scores(new double[] {2})[0]).isCloseTo(7, within(0.05));
    }

    @Test
    void badDataIsRefusedWithWhatIsWrong() {
        double[][] x = blobs(cycle(10, 2), 3, 1, 1);
        assertThatThrownBy(
                        () ->
                                HeadFitter.classifier(
                                        x, new int[10], 2, HeadFitter.Options.defaults(1)))
                .hasMessage("a classifier needs examples of at least 2 labels, the data has 1");
        int[] outOfRange = cycle(10, 2);
        outOfRange[3] = 2;
        assertThatThrownBy(
                        () ->
                                HeadFitter.classifier(
                                        x, outOfRange, 2, HeadFitter.Options.defaults(1)))
                .hasMessage("labels[3] must be in [0, 2), is 2");
        assertThatThrownBy(
                        () ->
                                HeadFitter.classifier(
                                        new double[][] {{1}, {2}},
                                        new int[] {0, 1},
                                        2,
                                        HeadFitter.Options.defaults(1)))
                .hasMessage("5-fold cross-validation needs at least 5 examples, the data has 2");
        double[] targets = new double[10];
        targets[4] = Double.NaN;
        assertThatThrownBy(() -> HeadFitter.regressor(x, targets, HeadFitter.Options.defaults(1)))
                .hasMessage("targets[4] must be a finite number, is NaN");
        assertThatThrownBy(() -> new HeadFitter.Options(1, 0, HeadFitter.DEFAULT_L2))
                .hasMessage("folds must be in [2, 20], is 1");
        assertThatThrownBy(() -> new HeadFitter.Options(5, 0, new double[] {0}))
                .hasMessage("every l2 must be > 0 and finite, is 0.0");
    }
}
