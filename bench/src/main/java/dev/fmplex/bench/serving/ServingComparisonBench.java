package dev.fmplex.bench.serving;

import ai.djl.Device;
import dev.fmplex.bench.MachineInfo;
import dev.fmplex.engine.backbone.bundled.BundledMiniLm;
import dev.fmplex.engine.execution.BackboneRuntime;
import dev.fmplex.engine.text.EncodedText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * FMplex vs best-effort co-location vs spatial partitioning on the same tasks, workload and
 * machine, in one run (issue 6). {@code smoke} runs for seconds and only proves the harness; {@code
 * full} (the default) takes about ten minutes and writes the report and plots.
 *
 * <p>Usage: {@code ServingComparisonBench [full|smoke] [output directory]}; the report goes to
 * stdout and {@code <output>/serving-comparison.md}, plots to {@code <output>/img/}; the output is
 * the repository's {@code docs/} for {@code full} and {@code target/} for {@code smoke}.
 */
public final class ServingComparisonBench {

    /** What a run covers. */
    record Plan(
            List<Integer> taskCounts,
            List<Double> offeredRps,
            double burstyRps,
            double seconds,
            long drainNanos,
            double sloMs,
            long memoryBudgetBytes) {

        static Plan full() {
            return new Plan(
                    List.of(1, 4, 8, 16, 32),
                    List.of(20.0, 40.0, 60.0),
                    40.0,
                    8,
                    TimeUnit.SECONDS.toNanos(10),
                    250,
                    16L << 30);
        }

        static Plan smoke() {
            return new Plan(
                    List.of(1, 2),
                    List.of(20.0),
                    0,
                    1,
                    TimeUnit.SECONDS.toNanos(5),
                    250,
                    16L << 30);
        }
    }

    private ServingComparisonBench() {}

    public static void main(String[] args) throws Exception {
        boolean smoke = args.length > 0 && args[0].equals("smoke");
        Path output = Path.of(args.length > 1 ? args[1] : smoke ? "target" : repositoryDocs());
        String report = run(smoke ? Plan.smoke() : Plan.full(), output);
        System.out.println(report);
    }

    /** {@code docs/} of the repository, from its root or from {@code bench/} (where exec runs). */
    private static String repositoryDocs() {
        return Files.isDirectory(Path.of("..", "docs")) ? "../docs" : "docs";
    }

    /** Runs the plan and returns the markdown report (also written under {@code output}). */
    static String run(Plan plan, Path output) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int maxTasks = plan.taskCounts().stream().mapToInt(Integer::intValue).max().orElseThrow();
        long rssStart = MemoryProbe.residentBytes();
        List<BackboneRuntime> copies = new ArrayList<>();
        List<LoadRun.Result> results = new ArrayList<>();
        MemoryProbe.Footprint footprint;
        try {
            progress("loading " + maxTasks + " copies of the backbone (one per dedicated task)");
            copies.add(BundledMiniLm.load(Device.cpu(), 256));
            long rssOne = MemoryProbe.residentBytes();
            for (int k = 1; k < maxTasks; k++) {
                copies.add(BundledMiniLm.load(Device.cpu(), 256));
            }
            long rssAll = MemoryProbe.residentBytes();
            footprint = MemoryProbe.Footprint.of(rssStart, rssOne, rssAll, maxTasks);
            for (int tasks : plan.taskCounts()) {
                List<BackboneRuntime> mine = copies.subList(0, tasks);
                List<IntFunction<Deployment>> deployments =
                        List.of(
                                n -> new SharedBackboneDeployment(copies.get(0), n, cores, 1),
                                n -> new SharedBackboneDeployment(copies.get(0), n, cores, cores),
                                n -> new ColocatedDeployment(mine, cores),
                                n -> new PartitionedDeployment(mine, cores));
                for (IntFunction<Deployment> make : deployments) {
                    try (Deployment deployment = make.apply(tasks)) {
                        warmUp(deployment, tasks, copies.get(0));
                        for (double rps : plan.offeredRps()) {
                            results.add(
                                    play(
                                            deployment,
                                            tasks,
                                            rps,
                                            Workload.Pattern.POISSON,
                                            plan,
                                            copies.get(0)));
                        }
                        if (plan.burstyRps() > 0) {
                            results.add(
                                    play(
                                            deployment,
                                            tasks,
                                            plan.burstyRps(),
                                            Workload.Pattern.BURSTY,
                                            plan,
                                            copies.get(0)));
                        }
                    }
                }
            }
        } finally {
            copies.forEach(BackboneRuntime::close);
        }
        ServingReport report = new ServingReport(plan, results, footprint, cores);
        String markdown = report.markdown(MachineInfo.describe(threads(cores)));
        Files.createDirectories(output);
        Files.writeString(output.resolve("serving-comparison.md"), markdown);
        Files.writeString(output.resolve("serving-results.csv"), report.csv());
        report.writePlots(output.resolve("img"));
        return markdown;
    }

    private static String threads(int cores) {
        return "FMplex: one executor lane with "
                + cores
                + " PyTorch intra-op threads, and (\"FMplex, "
                + cores
                + " lanes\") "
                + cores
                + " lanes of one intra-op thread each; co-location: one executor thread per task, each"
                + " with "
                + cores
                + " intra-op threads; spatial partitioning: min(N, "
                + cores
                + ") lanes of "
                + cores
                + " / lanes intra-op threads, each task bound to one lane";
    }

    private static LoadRun.Result play(
            Deployment deployment,
            int tasks,
            double rps,
            Workload.Pattern pattern,
            Plan plan,
            BackboneRuntime tokenizerSource)
            throws InterruptedException {
        List<Workload.Arrival> arrivals =
                Workload.generate(tasks, rps, plan.seconds(), pattern, 42 + tasks);
        List<EncodedText> texts = new ArrayList<>(arrivals.size());
        for (Workload.Arrival arrival : arrivals) {
            texts.add(tokenizerSource.tokenizer().encode(arrival.text()));
        }
        LoadRun.Result result =
                LoadRun.play(
                        deployment,
                        tasks,
                        pattern == Workload.Pattern.BURSTY ? -rps : rps,
                        arrivals,
                        texts,
                        TimeUnit.MILLISECONDS.toNanos((long) (plan.seconds() * 1000))
                                + plan.drainNanos());
        progress(
                String.format(
                        "%-21s N=%-2d %s %5.0f req/s: %d/%d done, p50 %.1f ms, p99 %.1f ms",
                        deployment.name(),
                        tasks,
                        pattern == Workload.Pattern.BURSTY ? "bursty " : "poisson",
                        rps,
                        result.completed(),
                        result.requests(),
                        result.p50Ms(),
                        result.p99Ms()));
        return result;
    }

    private static void warmUp(Deployment deployment, int tasks, BackboneRuntime tokenizerSource)
            throws Exception {
        EncodedText text = tokenizerSource.tokenizer().encode("warming up the executor");
        List<java.util.concurrent.CompletableFuture<Void>> pending = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < tasks; k++) {
                pending.add(deployment.submit(k, text));
            }
        }
        for (var future : pending) {
            future.get(2, TimeUnit.MINUTES);
        }
    }

    static void progress(String message) {
        System.err.println("[serving] " + message);
    }
}
