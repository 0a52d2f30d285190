package dev.fmplex.bench.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tables, ratios and plots from one run of {@link ServingComparisonBench}. */
final class ServingReport {

    private static final String FMPLEX = "FMplex";

    private final ServingComparisonBench.Plan plan;
    private final List<LoadRun.Result> results;
    private final MemoryProbe.Footprint footprint;
    private final int cores;

    ServingReport(
            ServingComparisonBench.Plan plan,
            List<LoadRun.Result> results,
            MemoryProbe.Footprint footprint,
            int cores) {
        this.plan = plan;
        this.results = results;
        this.footprint = footprint;
        this.cores = cores;
    }

    String markdown(String machine) {
        StringBuilder md =
                new StringBuilder(
                        "### Serving N tasks: FMplex vs co-location vs spatial partitioning (issue 6)\n\n");
        md.append(machine).append("\n\n");
        md.append(
                String.format(
                        "Open-loop arrivals (Poisson, and one bursty run: 4x the mean rate one"
                                + " second in five), Zipf-skewed task popularity (task k gets"
                                + " 1/(k+1)), 70%% one-sentence / 25%% 2-4 sentences / 5%%"
                                + " 8-sentence inputs; %.0f s per run, latency from scheduled"
                                + " arrival to result, in process (tokenization excluded, the"
                                + " same for all). Tasks: even ones LoRA r=8 on query and value"
                                + " + a 3-label head, odd ones a head alone. A run's requests"
                                + " unfinished %.0f s after its end count as slower than any"
                                + " (∞).%n%n",
                        plan.seconds(), plan.drainNanos() / 1e9));
        for (int tasks : plan.taskCounts()) {
            md.append("#### ").append(tasks).append(tasks == 1 ? " task" : " tasks").append("\n\n");
            md.append(
                    "| offered req/s | deployment | done | p50 ms | p95 ms | p99 ms | achieved req/s |\n");
            md.append("|---|---|---|---|---|---|---|\n");
            for (LoadRun.Result r : results) {
                if (r.tasks() != tasks) {
                    continue;
                }
                md.append(
                        String.format(
                                "| %s | %s | %d/%d | %s | %s | %s | %.1f |%n",
                                load(r),
                                r.deployment(),
                                r.completed(),
                                r.requests(),
                                ms(r.p50Ms()),
                                ms(r.p95Ms()),
                                ms(r.p99Ms()),
                                r.achievedRps()));
            }
            md.append('\n');
        }
        md.append("#### FMplex latency against each baseline, same tasks and load\n\n");
        md.append("Lower is better for FMplex: \"-60%\" means FMplex's latency is 60% lower.\n\n");
        md.append(
                "| FMplex | tasks | offered req/s | p50 vs co-location | p99 vs co-location | p50 vs"
                        + " partitioning | p99 vs partitioning |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        List<LoadRun.Result> fmplexRuns =
                results.stream().filter(r -> r.deployment().startsWith(FMPLEX)).toList();
        for (LoadRun.Result fm : fmplexRuns) {
            LoadRun.Result co = match("co-location", fm);
            LoadRun.Result sp = match("spatial partitioning", fm);
            md.append(
                    String.format(
                            "| %s | %d | %s | %s | %s | %s | %s |%n",
                            fm.deployment(),
                            fm.tasks(),
                            load(fm),
                            change(fm.p50Ms(), co == null ? Double.NaN : co.p50Ms()),
                            change(fm.p99Ms(), co == null ? Double.NaN : co.p99Ms()),
                            change(fm.p50Ms(), sp == null ? Double.NaN : sp.p50Ms()),
                            change(fm.p99Ms(), sp == null ? Double.NaN : sp.p99Ms())));
        }
        md.append(
                String.format(
                        "%n#### Throughput at the SLO (p99 <= %.0f ms, >= 99%% done): highest offered"
                                + " Poisson load met%n%n",
                        plan.sloMs()));
        md.append("| tasks | ").append(String.join(" | ", deployments())).append(" |\n|---");
        md.append("|---".repeat(deployments().size())).append("|\n");
        for (int tasks : plan.taskCounts()) {
            md.append("| ").append(tasks);
            for (String deployment : deployments()) {
                double best = 0;
                for (LoadRun.Result r : of(deployment)) {
                    if (r.tasks() == tasks && !r.bursty() && r.meets(plan.sloMs())) {
                        best = Math.max(best, r.offeredRps());
                    }
                }
                md.append(" | ")
                        .append(
                                best == 0
                                        ? "none of the loads"
                                        : String.format("%.0f req/s", best));
            }
            md.append(" |\n");
        }
        md.append(memory());
        return md.toString();
    }

    private String memory() {
        int largest = plan.taskCounts().get(plan.taskCounts().size() - 1);
        long fmplexBytes = bytesOf(FMPLEX, largest);
        long backboneBytes = bytesOf(FMPLEX, 1);
        double perVfm =
                largest > 1 ? (fmplexBytes - bytesOf(FMPLEX, 1)) / (double) (largest - 1) : 0;
        long budget = plan.memoryBudgetBytes();
        long dedicatedFit = footprint.perCopyBytes() > 0 ? budget / footprint.perCopyBytes() : 0;
        long fmplexFit =
                perVfm > 0 ? (long) ((budget - footprint.firstBackboneBytes()) / perVfm) : 0;
        StringBuilder md = new StringBuilder("\n#### Memory\n\n");
        md.append("| measure | bytes |\n|---|---|\n");
        md.append(
                String.format(
                        "| model weights held by FMplex for %d tasks | %,d |%n",
                        largest, fmplexBytes));
        md.append(
                String.format(
                        "| model weights held by one instance per task for %d tasks | %,d |%n",
                        largest, bytesOf("co-location", largest)));
        md.append(
                String.format("| FMplex with 1 task (the backbone once) | %,d |%n", backboneBytes));
        md.append(
                String.format("| one more vFM in FMplex (average of the mix) | %,.0f |%n", perVfm));
        md.append(
                String.format(
                        "| native memory growth for the first backbone (weights, PyTorch runtime) | %,d |%n",
                        footprint.firstBackboneBytes()));
        md.append(
                String.format(
                        "| native memory growth per further dedicated copy | %,d |%n",
                        footprint.perCopyBytes()));
        md.append(
                String.format(
                        "| Java heap used with %d copies loaded | %,d |%n",
                        footprint.copies(), footprint.heapUsedBytes()));
        md.append(
                String.format(
                        "%nTasks that fit a %d GiB budget: one instance per task %d (native memory per copy);"
                                + " FMplex %,d (the first backbone's native memory, then the average vFM's"
                                + " tensors) — %s.%n",
                        budget >> 30,
                        dedicatedFit,
                        fmplexFit,
                        dedicatedFit > 0
                                ? String.format("%.0fx", fmplexFit / (double) dedicatedFit)
                                : "n/a"));
        return md.toString();
    }

    /** Every run's numbers, one line each, so the report can be checked or redrawn later. */
    String csv() {
        StringBuilder csv =
                new StringBuilder(
                        "deployment,tasks,offered_rps,bursty,requests,completed,p50_ms,p95_ms,p99_ms,achieved_rps,model_bytes\n");
        for (LoadRun.Result r : results) {
            csv.append(
                    String.format(
                            java.util.Locale.ROOT,
                            "%s,%d,%.1f,%b,%d,%d,%.3f,%.3f,%.3f,%.2f,%d%n",
                            r.deployment().contains(",")
                                    ? '"' + r.deployment() + '"'
                                    : r.deployment(),
                            r.tasks(),
                            Math.abs(r.offeredRps()),
                            r.bursty(),
                            r.requests(),
                            r.completed(),
                            r.p50Ms(),
                            r.p95Ms(),
                            r.p99Ms(),
                            r.achievedRps(),
                            r.modelBytes()));
        }
        return csv.toString();
    }

    void writePlots(Path dir) throws IOException {
        for (int tasks : plan.taskCounts()) {
            LinePlot plot =
                    new LinePlot(
                            "p99 latency vs offered load, " + tasks + " tasks, " + cores + " cores",
                            "offered load (requests/s, Poisson)",
                            "p99 ms (log)",
                            true);
            for (String deployment : deployments()) {
                List<double[]> points = new ArrayList<>();
                for (LoadRun.Result r : of(deployment)) {
                    if (r.tasks() == tasks && !r.bursty()) {
                        points.add(new double[] {r.offeredRps(), r.p99Ms()});
                    }
                }
                plot.add(deployment, points);
            }
            plot.write(dir.resolve("serving-p99-" + tasks + "-tasks.png"), 20_000);
        }
        LinePlot memory = new LinePlot("model weights held vs tasks", "tasks", "MB", false);
        Map<String, List<double[]>> bytes = new LinkedHashMap<>();
        for (String deployment : List.of(FMPLEX, "co-location")) {
            List<double[]> points = new ArrayList<>();
            for (int tasks : plan.taskCounts()) {
                points.add(new double[] {tasks, bytesOf(deployment, tasks) / 1e6});
            }
            bytes.put(deployment, points);
        }
        bytes.forEach(memory::add);
        double top =
                bytes.values().stream().flatMap(List::stream).mapToDouble(p -> p[1]).max().orElse(1)
                        * 1.1;
        memory.write(dir.resolve("serving-memory.png"), top);
    }

    /** Every deployment, in the order the run measured them. */
    private List<String> deployments() {
        return results.stream().map(LoadRun.Result::deployment).distinct().toList();
    }

    private List<LoadRun.Result> of(String deployment) {
        return results.stream().filter(r -> r.deployment().equals(deployment)).toList();
    }

    private LoadRun.Result match(String deployment, LoadRun.Result like) {
        return of(deployment).stream()
                .filter(r -> r.tasks() == like.tasks() && r.offeredRps() == like.offeredRps())
                .findFirst()
                .orElse(null);
    }

    private long bytesOf(String deployment, int tasks) {
        return of(deployment).stream()
                .filter(r -> r.tasks() == tasks)
                .mapToLong(LoadRun.Result::modelBytes)
                .findFirst()
                .orElse(0);
    }

    private static String load(LoadRun.Result r) {
        return r.bursty()
                ? String.format("%.0f bursty", -r.offeredRps())
                : String.format("%.0f", r.offeredRps());
    }

    private static String ms(double value) {
        return Double.isInfinite(value) ? "∞" : String.format("%.1f", value);
    }

    /** FMplex's value relative to the baseline's, as a signed percentage. */
    private static String change(double fmplex, double baseline) {
        if (Double.isNaN(baseline)) {
            return "n/a";
        }
        if (Double.isInfinite(baseline)) {
            return Double.isInfinite(fmplex) ? "both overloaded" : "baseline overloaded (∞)";
        }
        if (Double.isInfinite(fmplex)) {
            return "FMplex overloaded (∞)";
        }
        return String.format("%+.0f%%", 100 * (fmplex / baseline - 1));
    }
}
