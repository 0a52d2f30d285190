package dev.fmplex.bench.serving;

import dev.fmplex.bench.BenchTexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An open-loop arrival schedule: requests arrive when the schedule says, whether or not earlier
 * ones are done, as users of a shared service do. Task popularity is Zipf-skewed (a few tasks get
 * most traffic) and text lengths follow a long-tailed mix of short queries and longer passages.
 */
final class Workload {

    /** One request: when it arrives (ns after the start), for which task, with which text. */
    record Arrival(long atNanos, int task, String text) {}

    /** How arrivals are spread in time. */
    enum Pattern {
        /** Poisson arrivals at a constant rate. */
        POISSON,
        /** Poisson arrivals whose rate is 4x the mean during one second in five, and lower else. */
        BURSTY
    }

    private static final String[] SENTENCES = BenchTexts.SENTENCES;

    private Workload() {}

    /**
     * @param tasks number of tasks; task {@code k} gets weight {@code 1/(k+1)} (Zipf, s = 1)
     * @param requestsPerSecond mean arrival rate over all tasks
     * @param seconds length of the schedule
     */
    static List<Arrival> generate(
            int tasks, double requestsPerSecond, double seconds, Pattern pattern, long seed) {
        Random random = new Random(seed);
        double[] cumulative = zipf(tasks);
        List<Arrival> arrivals = new ArrayList<>();
        double t = 0;
        while (true) {
            double rate = rateAt(t, requestsPerSecond, pattern);
            t += -Math.log(1 - random.nextDouble()) / rate;
            if (t >= seconds) {
                return arrivals;
            }
            arrivals.add(new Arrival((long) (t * 1e9), pick(cumulative, random), text(random)));
        }
    }

    /** {@code count} texts of the same length mix, without arrival times. */
    static List<String> texts(int count, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            texts.add(text(random));
        }
        return texts;
    }

    private static double rateAt(double t, double mean, Pattern pattern) {
        if (pattern == Pattern.POISSON) {
            return mean;
        }
        // One second in five at 4x, the other four at (5 - 4) / 4 = 0.25x: the same mean.
        return ((long) t) % 5 == 0 ? 4 * mean : 0.25 * mean;
    }

    private static double[] zipf(int tasks) {
        double[] cumulative = new double[tasks];
        double sum = 0;
        for (int k = 0; k < tasks; k++) {
            sum += 1.0 / (k + 1);
            cumulative[k] = sum;
        }
        for (int k = 0; k < tasks; k++) {
            cumulative[k] /= sum;
        }
        return cumulative;
    }

    private static int pick(double[] cumulative, Random random) {
        double u = random.nextDouble();
        for (int k = 0; k < cumulative.length; k++) {
            if (u < cumulative[k]) {
                return k;
            }
        }
        return cumulative.length - 1;
    }

    /** 70% one sentence (~10-20 tokens), 25% two to four, 5% a passage of eight (~120 tokens). */
    private static String text(Random random) {
        double u = random.nextDouble();
        int sentences = u < 0.70 ? 1 : u < 0.95 ? 2 + random.nextInt(3) : 8;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(SENTENCES[random.nextInt(SENTENCES.length)]);
        }
        return text.toString();
    }
}
