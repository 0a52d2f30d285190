package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.awaitFinished;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.embed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The {@code head} recipe against a baseline written here, independent of the recipe's code (issue
 * 18): 240 generated sentences of two topics with every 30th label flipped (so no classifier can
 * reach 100%, and the comparison means something), their frozen features read over HTTP from an
 * embedding vFM with the classifier's pooling, and an L2 logistic regression ({@code C = 1},
 * Newton's method) cross-validated on its own folds. The job's cross-validated accuracy must reach
 * the baseline's within one point, stay below the ceiling the flipped labels leave (a job that
 * scored itself on its training rows would not), and come out the same for the same seed.
 */
class StandaloneHeadRecipeBaselineTest {

    private static final String[] SUBJECTS = {
        "We", "My sister", "The students", "Our group", "A young couple", "My neighbour"
    };
    private static final String[] TRAVEL = {
        "booked a train to the coast",
        "packed light for the mountain hike",
        "missed the ferry to the island",
        "found a cheap hotel near the station",
        "rented bikes to see the old town"
    };
    private static final String[] HEALTH = {
        "saw the doctor about a cough",
        "started eating more vegetables",
        "slept badly because of a fever",
        "joined a gym near the office",
        "took vitamins through the winter"
    };
    private static final String[] WHEN = {
        "last week", "in the spring", "after the exams", "on a rainy morning"
    };
    private static final int FLIP_EVERY = 30;
    private static final int FOLDS = 5;

    @TempDir Path dataDir;

    @Test
    void theHeadRecipeReachesAnIndependentLogisticRegressionOnTheSameFeatures() {
        List<String> texts = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (String subject : SUBJECTS) {
            for (int a = 0; a < TRAVEL.length; a++) {
                for (String when : WHEN) {
                    texts.add(subject + " " + TRAVEL[a] + " " + when + ".");
                    labels.add(0);
                    texts.add(subject + " " + HEALTH[a] + " " + when + ".");
                    labels.add(1);
                }
            }
        }
        int[] y = new int[texts.size()];
        int flipped = 0;
        for (int i = 0; i < y.length; i++) {
            boolean flip = i % FLIP_EVERY == FLIP_EVERY - 1;
            y[i] = flip ? 1 - labels.get(i) : labels.get(i);
            flipped += flip ? 1 : 0;
        }
        double ceiling = 1 - (double) flipped / y.length;

        try (StandaloneServer server = StandaloneServer.start(dataDir)) {
            WebTestClient admin = server.client();
            String topics =
                    createVfm(
                            admin,
                            "{\"name\":\"topics\",\"backbone\":\""
                                    + BACKBONE
                                    + "\",\"task\":{\"kind\":\"classification\","
                                    + "\"labels\":[\"travel\",\"health\"]}}");
            // The classifier reads the CLS position of the last layer; so does this embedding.
            String features =
                    createVfm(
                            admin,
                            "{\"name\":\"features\",\"backbone\":\""
                                    + BACKBONE
                                    + "\",\"task\":{\"kind\":\"embedding\",\"pooling\":\"cls\","
                                    + "\"normalize\":false}}");
            StringBuilder examples = new StringBuilder();
            for (int i = 0; i < texts.size(); i++) {
                examples.append(i == 0 ? "" : ",")
                        .append("{\"input\":\"")
                        .append(texts.get(i))
                        .append("\",\"label\":\"")
                        .append(y[i] == 0 ? "travel" : "health")
                        .append("\"}");
            }
            String body = "{\"recipe\":\"head\",\"seed\":11,\"examples\":[" + examples + "]}";
            Map<String, Object> report = run(admin, topics, body);
            double recipe = ((Number) report.get("accuracy")).doubleValue();

            double baseline = crossValidatedAccuracy(embed(admin, features, texts), y, 3);
            System.out.printf(
                    "head recipe %.4f, independent logistic regression %.4f, ceiling %.4f%n",
                    recipe, baseline, ceiling);
            assertThat(baseline).as("the baseline learns the topics").isGreaterThan(0.85);
            assertThat(recipe)
                    .as("the head recipe's accuracy")
                    .isGreaterThanOrEqualTo(baseline - 0.01);
            assertThat(recipe)
                    .as("out-of-fold accuracy cannot pass the flipped labels' ceiling by much")
                    .isLessThanOrEqualTo(ceiling + 0.01);
            assertThat(run(admin, topics, body)).as("the same seed").isEqualTo(report);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(WebTestClient admin, String vfm, String body) {
        Map<String, Object> submitted =
                ApiCalls.post(admin, "/vfms/" + vfm + "/training-jobs", body)
                        .expectStatus()
                        .isAccepted()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        Map<String, Object> done = awaitFinished(admin, (String) submitted.get("id"));
        assertThat(done.get("state")).as(String.valueOf(done.get("error"))).isEqualTo("SUCCEEDED");
        return (Map<String, Object>) done.get("report");
    }

    /** Out-of-fold accuracy of {@link #fit} over stratified folds of a seeded shuffle. */
    private static double crossValidatedAccuracy(double[][] x, int[] y, long seed) {
        int[] fold = new int[y.length];
        Random random = new Random(seed);
        for (int label = 0; label < 2; label++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                if (y[i] == label) {
                    members.add(i);
                }
            }
            java.util.Collections.shuffle(members, random);
            for (int k = 0; k < members.size(); k++) {
                fold[members.get(k)] = k % FOLDS;
            }
        }
        int correct = 0;
        for (int f = 0; f < FOLDS; f++) {
            List<Integer> train = new ArrayList<>();
            List<Integer> test = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                (fold[i] == f ? test : train).add(i);
            }
            double[] mean = new double[x[0].length];
            double[] scale = new double[x[0].length];
            for (int j = 0; j < mean.length; j++) {
                double sum = 0;
                double squares = 0;
                for (int i : train) {
                    sum += x[i][j];
                    squares += x[i][j] * x[i][j];
                }
                mean[j] = sum / train.size();
                double sd = Math.sqrt(Math.max(0, squares / train.size() - mean[j] * mean[j]));
                scale[j] = sd > 1e-12 ? sd : 1;
            }
            double[][] xTrain = new double[train.size()][];
            int[] yTrain = new int[train.size()];
            for (int r = 0; r < train.size(); r++) {
                xTrain[r] = standardized(x[train.get(r)], mean, scale);
                yTrain[r] = y[train.get(r)];
            }
            double[] w = fit(xTrain, yTrain);
            for (int i : test) {
                correct += (score(w, standardized(x[i], mean, scale)) > 0 ? 1 : 0) == y[i] ? 1 : 0;
            }
        }
        return (double) correct / y.length;
    }

    /**
     * Minimizes {@code sum log-loss + ||w||^2 / 2} (the intercept, last, unpenalized) by Newton's
     * method; the objective is strictly convex, so a few steps converge.
     */
    private static double[] fit(double[][] x, int[] y) {
        int d = x[0].length;
        double[] w = new double[d + 1];
        for (int iteration = 0; iteration < 50; iteration++) {
            double[] gradient = new double[d + 1];
            double[][] hessian = new double[d + 1][d + 1];
            for (int j = 0; j < d; j++) {
                gradient[j] = w[j];
                hessian[j][j] = 1;
            }
            for (int i = 0; i < x.length; i++) {
                double p = 1 / (1 + Math.exp(-score(w, x[i])));
                double residual = p - y[i];
                double curvature = p * (1 - p);
                for (int j = 0; j <= d; j++) {
                    double xj = j == d ? 1 : x[i][j];
                    gradient[j] += residual * xj;
                    for (int k = 0; k <= j; k++) {
                        hessian[j][k] += curvature * xj * (k == d ? 1 : x[i][k]);
                    }
                }
            }
            double[] step = solveSymmetric(hessian, gradient);
            double size = 0;
            for (int j = 0; j <= d; j++) {
                w[j] -= step[j];
                size = Math.max(size, Math.abs(step[j]));
            }
            if (size < 1e-9) {
                break;
            }
        }
        return w;
    }

    /** Solves {@code a z = b} by Cholesky; {@code a} holds its lower triangle and is positive. */
    private static double[] solveSymmetric(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(sum) : sum / l[j][j];
            }
        }
        double[] z = Arrays.copyOf(b, n);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < i; k++) {
                z[i] -= l[i][k] * z[k];
            }
            z[i] /= l[i][i];
        }
        for (int i = n - 1; i >= 0; i--) {
            for (int k = i + 1; k < n; k++) {
                z[i] -= l[k][i] * z[k];
            }
            z[i] /= l[i][i];
        }
        return z;
    }

    private static double score(double[] w, double[] x) {
        double s = w[x.length];
        for (int j = 0; j < x.length; j++) {
            s += w[j] * x[j];
        }
        return s;
    }

    private static double[] standardized(double[] row, double[] mean, double[] scale) {
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            out[j] = (row[j] - mean[j]) / scale[j];
        }
        return out;
    }
}
