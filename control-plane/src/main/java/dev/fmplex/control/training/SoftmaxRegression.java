package dev.fmplex.control.training;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Multinomial logistic regression with an L2 penalty on the weights (not the biases), fitted by
 * L-BFGS. The objective, mean cross-entropy plus {@code l2 / 2 * |W|^2}, is strictly convex for
 * {@code l2 > 0}: there is one optimum, so the fit does not depend on a starting point or on the
 * order of the examples, and a seed is needed only to split folds.
 */
final class SoftmaxRegression {

    private static final int MEMORY = 10;
    private static final int MAX_ITERATIONS = 500;
    private static final double GRADIENT_TOLERANCE = 1e-7;

    private SoftmaxRegression() {}

    /** Fits on {@code x} (standardize first) with labels {@code y} in {@code [0, classes)}. */
    static LinearHead fit(double[][] x, int[] y, int classes, double l2) {
        Objective objective = new Objective(x, y, classes, l2);
        double[] theta = new double[classes * (objective.d + 1)];
        double[] gradient = new double[theta.length];
        double value = objective.evaluate(theta, gradient);
        Deque<double[][]> history = new ArrayDeque<>(); // {s, y, rho} of the last MEMORY steps
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            if (maxAbs(gradient) < GRADIENT_TOLERANCE) {
                break;
            }
            double[] direction = twoLoop(gradient, history);
            double slope = dot(direction, gradient);
            if (slope >= 0) { // not a descent direction (numerical trouble): restart from -g
                history.clear();
                direction = scaled(gradient, -1);
                slope = dot(direction, gradient);
            }
            double step = 1;
            double[] next = new double[theta.length];
            double[] nextGradient = new double[theta.length];
            double nextValue;
            while (true) { // backtracking until the Armijo condition holds
                for (int i = 0; i < theta.length; i++) {
                    next[i] = theta[i] + step * direction[i];
                }
                nextValue = objective.evaluate(next, nextGradient);
                if (nextValue <= value + 1e-4 * step * slope || step < 1e-12) {
                    break;
                }
                step *= 0.5;
            }
            double[] s = new double[theta.length];
            double[] change = new double[theta.length];
            for (int i = 0; i < theta.length; i++) {
                s[i] = next[i] - theta[i];
                change[i] = nextGradient[i] - gradient[i];
            }
            double sy = dot(s, change);
            if (sy > 1e-12) {
                history.addLast(new double[][] {s, change, {1 / sy}});
                if (history.size() > MEMORY) {
                    history.removeFirst();
                }
            }
            boolean stalled = Math.abs(value - nextValue) <= 1e-12 * Math.max(1, Math.abs(value));
            theta = next;
            gradient = nextGradient;
            value = nextValue;
            if (stalled) {
                break;
            }
        }
        return objective.head(theta);
    }

    /** The L-BFGS two-loop recursion: an approximation of -H^-1 g from the stored steps. */
    private static double[] twoLoop(double[] gradient, Deque<double[][]> history) {
        double[] q = gradient.clone();
        double[] alphas = new double[history.size()];
        int i = history.size() - 1;
        for (var it = history.descendingIterator(); it.hasNext(); i--) {
            double[][] h = it.next();
            alphas[i] = h[2][0] * dot(h[0], q);
            axpy(-alphas[i], h[1], q);
        }
        if (!history.isEmpty()) {
            double[][] last = history.peekLast();
            double gamma = dot(last[0], last[1]) / dot(last[1], last[1]);
            for (int j = 0; j < q.length; j++) {
                q[j] *= gamma;
            }
        }
        i = 0;
        for (double[][] h : history) {
            double beta = h[2][0] * dot(h[1], q);
            axpy(alphas[i] - beta, h[0], q);
            i++;
        }
        return scaled(q, -1);
    }

    /** Mean cross-entropy + L2 over parameters laid out class by class: d weights, then bias. */
    private static final class Objective {
        final double[][] x;
        final int[] y;
        final int classes;
        final int d;
        final double l2;

        Objective(double[][] x, int[] y, int classes, double l2) {
            this.x = x;
            this.y = y;
            this.classes = classes;
            this.d = x[0].length;
            this.l2 = l2;
        }

        double evaluate(double[] theta, double[] gradient) {
            java.util.Arrays.fill(gradient, 0);
            double loss = 0;
            double[] scores = new double[classes];
            int stride = d + 1;
            for (int i = 0; i < x.length; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    double s = theta[k * stride + d];
                    for (int j = 0; j < d; j++) {
                        s += theta[k * stride + j] * x[i][j];
                    }
                    scores[k] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    scores[k] = Math.exp(scores[k] - max);
                    sum += scores[k];
                }
                loss -= Math.log(scores[y[i]] / sum);
                for (int k = 0; k < classes; k++) {
                    double residual = scores[k] / sum - (k == y[i] ? 1 : 0);
                    for (int j = 0; j < d; j++) {
                        gradient[k * stride + j] += residual * x[i][j];
                    }
                    gradient[k * stride + d] += residual;
                }
            }
            double penalty = 0;
            for (int k = 0; k < classes; k++) {
                for (int j = 0; j < d; j++) {
                    double w = theta[k * stride + j];
                    penalty += w * w;
                    gradient[k * stride + j] = gradient[k * stride + j] / x.length + l2 * w;
                }
                gradient[k * stride + d] /= x.length;
            }
            return loss / x.length + 0.5 * l2 * penalty;
        }

        LinearHead head(double[] theta) {
            double[][] weight = new double[classes][d];
            double[] bias = new double[classes];
            for (int k = 0; k < classes; k++) {
                System.arraycopy(theta, k * (d + 1), weight[k], 0, d);
                bias[k] = theta[k * (d + 1) + d];
            }
            return new LinearHead(weight, bias);
        }
    }

    /** Mean cross-entropy of {@code head} on labelled rows: what cross-validation compares. */
    static double logLoss(LinearHead head, double[][] x, int[] y) {
        double loss = 0;
        for (int i = 0; i < x.length; i++) {
            double[] scores = head.scores(x[i]);
            double max = Double.NEGATIVE_INFINITY;
            for (double s : scores) {
                max = Math.max(max, s);
            }
            double sum = 0;
            for (double s : scores) {
                sum += Math.exp(s - max);
            }
            loss -= scores[y[i]] - max - Math.log(sum);
        }
        return loss / x.length;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    private static double[] scaled(double[] v, double factor) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * factor;
        }
        return out;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) {
            m = Math.max(m, Math.abs(e));
        }
        return m;
    }
}
