package dev.fmplex.control.training;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code head} recipe: a linear head on frozen features, its L2 strength chosen from a grid by
 * k-fold cross-validation (lowest mean held-out loss: cross-entropy, or squared error), then fitted
 * on every example. The report's metrics are out-of-fold: each example predicted by the model that
 * did not see it, at the chosen strength.
 */
public final class HeadFitter {

    /** L2 strengths tried by default, on standardized features. */
    public static final double[] DEFAULT_L2 = {1e-4, 1e-3, 1e-2, 1e-1, 1, 10};

    /**
     * @param folds k of the cross-validation, in [2, 20]
     * @param seed shuffles the folds; the same seed and data give the same head
     */
    public record Options(int folds, long seed, double[] l2Grid) {
        public Options {
            if (folds < 2 || folds > 20) {
                throw new IllegalArgumentException("folds must be in [2, 20], is " + folds);
            }
            if (l2Grid == null || l2Grid.length == 0) {
                throw new IllegalArgumentException("l2Grid must hold at least one strength");
            }
            for (double l2 : l2Grid) {
                if (!(l2 > 0) || Double.isInfinite(l2)) {
                    throw new IllegalArgumentException("every l2 must be > 0 and finite, is " + l2);
                }
            }
        }

        public static Options defaults(long seed) {
            return new Options(5, seed, DEFAULT_L2);
        }
    }

    /** One strength tried and its mean held-out loss. */
    public record Candidate(double l2, double heldOutLoss) {}

    /**
     * @param confusion out-of-fold counts, {@code confusion[actual][predicted]}
     */
    public record ClassifierFit(
            LinearHead head,
            double l2,
            double accuracy,
            double macroF1,
            long[][] confusion,
            List<Candidate> candidates) {}

    public record RegressorFit(
            LinearHead head, double l2, double rmse, List<Candidate> candidates) {}

    private HeadFitter() {}

    /**
     * A classifier head's mean cross-entropy (softmax over its scores) and accuracy on examples it
     * did not see: how {@code lora} reports the head alone on its validation split.
     */
    public static double[] lossAndAccuracy(LinearHead head, double[][] features, int[] labels) {
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            double[] scores = head.scores(features[i]);
            double max = Double.NEGATIVE_INFINITY;
            int best = 0;
            for (int k = 0; k < scores.length; k++) {
                if (scores[k] > max) {
                    max = scores[k];
                    best = k;
                }
            }
            double sum = 0;
            for (double score : scores) {
                sum += Math.exp(score - max);
            }
            loss += max + Math.log(sum) - scores[labels[i]];
            correct += best == labels[i] ? 1 : 0;
        }
        return new double[] {loss / labels.length, (double) correct / labels.length};
    }

    /** Classification: {@code labels[i]} in {@code [0, classes)}, at least two classes present. */
    public static ClassifierFit classifier(
            double[][] features, int[] labels, int classes, Options options) {
        check(features, labels.length, options);
        boolean[] present = new boolean[classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "labels[" + i + "] must be in [0, " + classes + "), is " + labels[i]);
            }
            present[labels[i]] = true;
        }
        int seen = 0;
        for (boolean p : present) {
            seen += p ? 1 : 0;
        }
        if (seen < 2) {
            throw new IllegalArgumentException(
                    "a classifier needs examples of at least 2 labels, the data has " + seen);
        }
        int[] fold = Folds.stratified(labels, classes, options.folds(), options.seed());
        List<Candidate> candidates = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        double bestL2 = options.l2Grid()[0];
        int[] bestPredictions = null;
        for (double l2 : options.l2Grid()) {
            double loss = 0;
            int[] predictions = new int[labels.length];
            for (int f = 0; f < options.folds(); f++) {
                Split split = Split.of(features, fold, f);
                if (split.test.length == 0) {
                    continue;
                }
                int[] trainLabels = pick(labels, split.trainRows);
                LinearHead head = fitClassifier(split.train, trainLabels, classes, l2);
                int[] testLabels = pick(labels, split.testRows);
                loss += SoftmaxRegression.logLoss(head, split.test, testLabels) * split.test.length;
                for (int t = 0; t < split.test.length; t++) {
                    predictions[split.testRows[t]] = head.predictClass(split.test[t]);
                }
            }
            loss /= labels.length;
            candidates.add(new Candidate(l2, loss));
            if (loss < bestLoss) {
                bestLoss = loss;
                bestL2 = l2;
                bestPredictions = predictions;
            }
        }
        long[][] confusion = new long[classes][classes];
        for (int i = 0; i < labels.length; i++) {
            confusion[labels[i]][bestPredictions[i]]++;
        }
        return new ClassifierFit(
                fitClassifier(features, labels, classes, bestL2),
                bestL2,
                accuracy(confusion),
                macroF1(confusion, present),
                confusion,
                List.copyOf(candidates));
    }

    /** Regression: one target per example. */
    public static RegressorFit regressor(double[][] features, double[] targets, Options options) {
        check(features, targets.length, options);
        for (int i = 0; i < targets.length; i++) {
            if (!Double.isFinite(targets[i])) {
                throw new IllegalArgumentException(
                        "targets[" + i + "] must be a finite number, is " + targets[i]);
            }
        }
        int[] fold = Folds.shuffled(targets.length, options.folds(), options.seed());
        List<Candidate> candidates = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        double bestL2 = options.l2Grid()[0];
        for (double l2 : options.l2Grid()) {
            double squared = 0;
            for (int f = 0; f < options.folds(); f++) {
                Split split = Split.of(features, fold, f);
                if (split.test.length == 0) {
                    continue;
                }
                LinearHead head = fitRegressor(split.train, pick(targets, split.trainRows), l2);
                for (int t = 0; t < split.test.length; t++) {
                    double error = head.scores(split.test[t])[0] - targets[split.testRows[t]];
                    squared += error * error;
                }
            }
            double loss = squared / targets.length;
            candidates.add(new Candidate(l2, loss));
            if (loss < bestLoss) {
                bestLoss = loss;
                bestL2 = l2;
            }
        }
        return new RegressorFit(
                fitRegressor(features, targets, bestL2),
                bestL2,
                Math.sqrt(bestLoss),
                List.copyOf(candidates));
    }

    private static LinearHead fitClassifier(double[][] x, int[] y, int classes, double l2) {
        Standardization standardization = Standardization.of(x);
        return standardization.unfold(
                SoftmaxRegression.fit(standardization.apply(x), y, classes, l2));
    }

    private static LinearHead fitRegressor(double[][] x, double[] y, double l2) {
        Standardization standardization = Standardization.of(x);
        return standardization.unfold(RidgeRegression.fit(standardization.apply(x), y, l2));
    }

    private static void check(double[][] features, int examples, Options options) {
        if (features.length != examples) {
            throw new IllegalArgumentException(
                    features.length + " feature rows for " + examples + " examples");
        }
        if (examples < options.folds()) {
            throw new IllegalArgumentException(
                    options.folds()
                            + "-fold cross-validation needs at least "
                            + options.folds()
                            + " examples, the data has "
                            + examples);
        }
        int d = features[0].length;
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != d) {
                throw new IllegalArgumentException(
                        "features[" + i + "] has " + features[i].length + " values, not " + d);
            }
        }
    }

    static double accuracy(long[][] confusion) {
        long right = 0;
        long all = 0;
        for (int a = 0; a < confusion.length; a++) {
            for (int p = 0; p < confusion.length; p++) {
                all += confusion[a][p];
                right += a == p ? confusion[a][p] : 0;
            }
        }
        return (double) right / all;
    }

    /** The mean F1 over the labels present in the data (absent ones have no F1 to average). */
    static double macroF1(long[][] confusion, boolean[] present) {
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < confusion.length; c++) {
            if (!present[c]) {
                continue;
            }
            long truePositive = confusion[c][c];
            long predicted = 0;
            long actual = 0;
            for (int o = 0; o < confusion.length; o++) {
                predicted += confusion[o][c];
                actual += confusion[c][o];
            }
            double f1 = predicted + actual == 0 ? 0 : 2.0 * truePositive / (predicted + actual);
            sum += f1;
            counted++;
        }
        return sum / counted;
    }

    private static int[] pick(int[] values, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    private static double[] pick(double[] values, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    /** The rows of one fold held out, and the rest. */
    private record Split(double[][] train, int[] trainRows, double[][] test, int[] testRows) {
        static Split of(double[][] features, int[] fold, int held) {
            int testCount = 0;
            for (int f : fold) {
                testCount += f == held ? 1 : 0;
            }
            double[][] train = new double[fold.length - testCount][];
            double[][] test = new double[testCount][];
            int[] trainRows = new int[train.length];
            int[] testRows = new int[testCount];
            int tr = 0;
            int te = 0;
            for (int i = 0; i < fold.length; i++) {
                if (fold[i] == held) {
                    testRows[te] = i;
                    test[te++] = features[i];
                } else {
                    trainRows[tr] = i;
                    train[tr++] = features[i];
                }
            }
            return new Split(train, trainRows, test, testRows);
        }
    }
}
