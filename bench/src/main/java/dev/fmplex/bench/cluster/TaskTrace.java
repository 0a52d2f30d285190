package dev.fmplex.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A population of tasks as a multi-tenant cluster sees it: each on one backbone of the catalogue (a
 * mix weighted towards small text encoders), half LoRA fine-tunes and half heads alone, with
 * Zipf-skewed request rates (a few hot tasks, a long tail of cold ones) and an SLO on p99 latency.
 */
final class TaskTrace {

    /**
     * One task.
     *
     * @param ratePerSecond mean Poisson arrival rate
     * @param sloMs the p99 latency it must meet: five times what one typical request takes alone on
     *     one lane (at least 50 ms), the usual way SLOs are set relative to the model's speed
     * @param loraRank 0 for a head alone
     */
    record Task(
            int id, BackboneProfile backbone, double ratePerSecond, double sloMs, int loraRank) {}

    /** Catalogue share of each backbone, in {@link BackboneProfile#CATALOG} order. */
    private static final double[] MIX = {0.30, 0.20, 0.05, 0.20, 0.15, 0.10};

    private TaskTrace() {}

    /**
     * @param tasks how many tasks
     * @param totalRate requests per second over all tasks; task k's share is proportional to
     *     1/(k+1)^0.8 after a seeded shuffle, so hot tasks fall on every backbone
     */
    static List<Task> generate(int tasks, double totalRate, BatchCostModel cost, long seed) {
        Random random = new Random(seed);
        double[] weights = new double[tasks];
        double sum = 0;
        for (int k = 0; k < tasks; k++) {
            weights[k] = 1 / Math.pow(k + 1, 0.8);
            sum += weights[k];
        }
        // Shuffle which task gets which weight, so popularity is independent of the backbone.
        for (int k = tasks - 1; k > 0; k--) {
            int j = random.nextInt(k + 1);
            double swap = weights[k];
            weights[k] = weights[j];
            weights[j] = swap;
        }
        List<Task> trace = new ArrayList<>(tasks);
        for (int k = 0; k < tasks; k++) {
            BackboneProfile backbone = pick(random);
            trace.add(
                    new Task(
                            k,
                            backbone,
                            totalRate * weights[k] / sum,
                            sloMs(cost, backbone),
                            k % 2 == 0 ? 8 : 0));
        }
        return trace;
    }

    /** Milliseconds one request of mean size takes alone on one lane. */
    static double aloneMs(BatchCostModel cost, BackboneProfile backbone) {
        return cost.predictMs(
                backbone, backbone.rowsPerRequest(), (int) Math.round(backbone.units().mean()));
    }

    /** The p99 SLO of a task on {@code backbone}: 5x one request alone, at least 50 ms. */
    static double sloMs(BatchCostModel cost, BackboneProfile backbone) {
        return Math.max(50, 5 * aloneMs(cost, backbone));
    }

    private static BackboneProfile pick(Random random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < MIX.length; i++) {
            cumulative += MIX[i];
            if (u < cumulative) {
                return BackboneProfile.CATALOG.get(i);
            }
        }
        return BackboneProfile.CATALOG.get(MIX.length - 1);
    }
}
