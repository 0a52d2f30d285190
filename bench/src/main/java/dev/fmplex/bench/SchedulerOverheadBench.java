package dev.fmplex.bench;

import dev.fmplex.engine.scheduler.FairScheduler;
import dev.fmplex.engine.scheduler.Outcome;
import dev.fmplex.engine.scheduler.QueuePolicy;
import dev.fmplex.engine.scheduler.Work;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the scheduler itself costs per request: admission (tags), batch formation and completion,
 * with an executor that does nothing, so every nanosecond measured is scheduling.
 */
public final class SchedulerOverheadBench {

    private SchedulerOverheadBench() {}

    public static void main(String[] args) throws Exception {
        String[] options = String.join(" ", args).trim().split("\\s+");
        int requests = options[0].isEmpty() ? 200_000 : Integer.parseInt(options[0]);
        StringBuilder report =
                new StringBuilder("### Scheduler overhead per request (issue 4)\n\n");
        report.append(
                        MachineInfo.describe(
                                "the calling thread runs admission and steps; no-op executor"))
                .append(
                        "\n\n| policy | vFMs | batch rows | ns per request (median of 5) |\n|---|---|---|---|\n");
        for (String policy : List.of("fair", "fifo", "per-task")) {
            for (int vfms : new int[] {8, 64, 512}) {
                measure(policy, vfms, requests / 5); // warm-up
                double[] rounds = new double[5];
                for (int r = 0; r < rounds.length; r++) {
                    rounds[r] = measure(policy, vfms, requests);
                }
                Arrays.sort(rounds);
                report.append(String.format("| %s | %d | 32 | %.0f |%n", policy, vfms, rounds[2]));
                System.err.printf(
                        "[bench] %s, %d vFMs: %.0f ns/request%n", policy, vfms, rounds[2]);
            }
        }
        System.out.println(report);
        Path out = Path.of("target", "scheduler-overhead.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
    }

    private static double measure(String policy, int vfms, int requests) {
        FairScheduler<Integer, Integer> scheduler =
                FairScheduler.<Integer, Integer>builder()
                        .setRunner(
                                batch -> {
                                    List<Outcome<Integer>> done = new ArrayList<>(batch.size());
                                    for (Work<Integer> work : batch) {
                                        done.add(new Outcome.Done<>(work.payload()));
                                    }
                                    return done;
                                })
                        .optPolicy(QueuePolicy.named(policy))
                        .optMaxBatchRows(32)
                        .optMaxBatchTokens(1 << 20)
                        .optQueueCapacity(Integer.MAX_VALUE)
                        .build();
        String[] ids = new String[vfms];
        for (int v = 0; v < vfms; v++) {
            ids[v] = "vfm-" + v;
        }
        long start = System.nanoTime();
        int submitted = 0;
        while (submitted < requests) {
            // Keep a realistic backlog: a few batches' worth queued, spread over the vFMs.
            for (int i = 0; i < 128 && submitted < requests; i++, submitted++) {
                scheduler.submit(
                        new Work<>(ids[submitted % vfms], submitted, 1, 16 + submitted % 48),
                        1 + submitted % 4,
                        Long.MAX_VALUE / 2);
            }
            for (int s = 0; s < 4; s++) {
                scheduler.step();
            }
        }
        while (scheduler.step()) {
            // drain
        }
        double perRequest = (System.nanoTime() - start) / (double) requests;
        scheduler.close();
        return perRequest;
    }
}
