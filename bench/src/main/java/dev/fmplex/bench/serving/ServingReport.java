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

    private static final String HTTP = "FMplex over HTTP";
    private static final List<String> BASELINES =
            List.of("co-location", "spatial partitioning", "langchain4j, one per task");

    private final ServingComparisonBench.Plan plan;
    private final List<LoadRun.Result> rounds;
    private final List<Point> results;
    private final MemoryProbe.Footprint footprint;
    private final List<BackboneThroughput.Row> throughput;
    private final int cores;

    /** One deployment at one task count and load: its rounds, summarized by their medians. */
    record Point(String deployment, int tasks, double offeredRps, List<LoadRun.Result> rounds) {

        boolean bursty() {
            return offeredRps < 0;
        }

        int requests() {
            return rounds.stream().mapToInt(LoadRun.Result::requests).sum();
        }

        int completed() {
            return rounds.stream().mapToInt(LoadRun.Result::completed).sum();
        }

        double p50Ms() {
            return median(LoadRun.Result::p50Ms);
        }

        double p95Ms() {
            return median(LoadRun.Result::p95Ms);
        }

        double p99Ms() {
            return median(LoadRun.Result::p99Ms);
        }

        double p99MinMs() {
            return rounds.stream().mapToDouble(LoadRun.Result::p99Ms).min().orElse(Double.NaN);
        }

        double p99MaxMs() {
            return rounds.stream().mapToDouble(LoadRun.Result::p99Ms).max().orElse(Double.NaN);
        }

        double achievedRps() {
            return median(LoadRun.Result::achievedRps);
        }

        long modelBytes() {
            return rounds.get(0).modelBytes();
        }

        /** Met the SLO: the median round's p99 within it and (nearly) everything completed. */
        boolean meets(double sloMs) {
            return p99Ms() <= sloMs && completed() >= 0.99 * requests();
        }

        private double median(java.util.function.ToDoubleFunction<LoadRun.Result> measure) {
            double[] values = rounds.stream().mapToDouble(measure).sorted().toArray();
            return values[(values.length - 1) / 2];
        }
    }

    ServingReport(
            ServingComparisonBench.Plan plan,
            List<LoadRun.Result> rounds,
            MemoryProbe.Footprint footprint,
            List<BackboneThroughput.Row> throughput,
            int cores) {
        this.plan = plan;
        this.rounds = rounds;
        this.results = summarize(rounds);
        this.footprint = footprint;
        this.throughput = throughput;
        this.cores = cores;
    }

    private static List<Point> summarize(List<LoadRun.Result> rounds) {
        Map<String, List<LoadRun.Result>> byPoint = new LinkedHashMap<>();
        for (LoadRun.Result r : rounds) {
            byPoint.computeIfAbsent(
                            r.deployment() + "|" + r.tasks() + "|" + r.offeredRps(),
                            key -> new ArrayList<>())
                    .add(r);
        }
        List<Point> points = new ArrayList<>();
        for (List<LoadRun.Result> same : byPoint.values()) {
            LoadRun.Result first = same.get(0);
            points.add(new Point(first.deployment(), first.tasks(), first.offeredRps(), same));
        }
        return points;
    }

    String markdown(String machine) {
        StringBuilder md =
                new StringBuilder(
                        "### Serving N tasks: FMplex vs co-location vs spatial partitioning vs"
                                + " langchain4j (issue 6)\n\n");
        md.append(machine).append("\n\n");
        md.append(
                String.format(
                        "Open-loop arrivals (Poisson, and one bursty run: 4x the mean rate one"
                                + " second in five), Zipf-skewed task popularity (task k gets"
                                + " 1/(k+1)), 70%% one-sentence / 25%% 2-4 sentences / 5%%"
                                + " 8-sentence inputs; %.0f s per run, %d rounds per point (every"
                                + " round plays every load on every deployment in turn, each"
                                + " round with its own seeded arrivals, the same for all"
                                + " deployments); a point's p50/p95/p99 are the medians over its"
                                + " rounds, and the p99 range is the lowest and highest round."
                                + " Latency runs from scheduled arrival to result. In process,"
                                + " tokenization is done up front and left out (the same for"
                                + " all); langchain4j tokenizes inside each call and FMplex over"
                                + " HTTP on the server, as users run them. Tasks: even ones LoRA"
                                + " r=8 on query and value + a 3-label head, odd ones a head"
                                + " alone (langchain4j cannot apply LoRA: its tasks run the base"
                                + " model, which is what a merged fine-tune costs). A run's"
                                + " requests unfinished %.0f s after its end count as slower"
                                + " than any (∞).%n%n",
                        plan.seconds(), plan.rounds(), plan.drainNanos() / 1e9));
        md.append(throughputTable());
        for (int tasks : plan.taskCounts()) {
            md.append("#### ").append(tasks).append(tasks == 1 ? " task" : " tasks").append("\n\n");
            md.append(
                    "| offered req/s | deployment | done | p50 ms | p95 ms | p99 ms | p99 range over"
                            + " rounds | achieved req/s |\n");
            md.append("|---|---|---|---|---|---|---|---|\n");
            for (Point r : results) {
                if (r.tasks() != tasks) {
                    continue;
                }
                md.append(
                        String.format(
                                "| %s | %s | %d/%d | %s | %s | %s | %s .. %s | %.1f |%n",
                                load(r),
                                r.deployment(),
                                r.completed(),
                                r.requests(),
                                ms(r.p50Ms()),
                                ms(r.p95Ms()),
                                ms(r.p99Ms()),
                                ms(r.p99MinMs()),
                                ms(r.p99MaxMs()),
                                r.achievedRps()));
            }
            md.append('\n');
        }
        md.append(ratios());
        md.append(httpCost());
        md.append(
                String.format(
                        "%n#### Throughput at the SLO (median p99 <= %.0f ms, >= 99%% done):"
                                + " highest offered Poisson load met%n%n",
                        plan.sloMs()));
        md.append("| tasks | ").append(String.join(" | ", deployments())).append(" |\n|---");
        md.append("|---".repeat(deployments().size())).append("|\n");
        for (int tasks : plan.taskCounts()) {
            md.append("| ").append(tasks);
            for (String deployment : deployments()) {
                double best = 0;
                for (Point r : of(deployment)) {
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

    private String throughputTable() {
        if (throughput.isEmpty()) {
            return "";
        }
        StringBuilder md =
                new StringBuilder(
                        "#### Backbone-only throughput: FMplex's encoder vs ONNX Runtime, same"
                                + " passes, equal threads\n\n");
        md.append(
                String.format(
                        "%d sentences of the workload's length mix in %d passes (sorted by length,"
                                + " <= 2048 padded tokens, the worker's plan); both mean-pool and"
                                + " normalize, and their embeddings are checked equal (1e-4)"
                                + " first; median of 3 interleaved rounds. ONNX Runtime: the ONNX"
                                + " file langchain4j ships, intra-op threads set, spinning off"
                                + " (session.intra_op.allow_spinning=0,"
                                + " session.inter_op.allow_spinning=0).%n%n",
                        throughput.get(0).sentences(), throughput.get(0).passes()));
        md.append(
                "| intra-op threads | FMplex sentences/s | ONNX Runtime sentences/s | FMplex / ONNX"
                        + " Runtime (goal >= 1.0x) |\n|---|---|---|---|\n");
        for (BackboneThroughput.Row row : throughput) {
            md.append(
                    String.format(
                            "| %d | %.1f | %.1f | %.2fx |%n",
                            row.threads(), row.fmplexPerSecond(), row.ortPerSecond(), row.ratio()));
        }
        return md.append('\n').toString();
    }

    private String ratios() {
        StringBuilder md =
                new StringBuilder(
                        "#### FMplex latency against each baseline, same tasks and load\n\n");
        md.append("Lower is better for FMplex: \"-60%\" means FMplex's latency is 60% lower.\n\n");
        md.append("| FMplex | tasks | offered req/s");
        List<String> baselines = BASELINES.stream().filter(b -> !of(b).isEmpty()).toList();
        for (String baseline : baselines) {
            md.append(" | p50 vs ").append(baseline).append(" | p99 vs ").append(baseline);
        }
        md.append(" |\n|---|---|---").append("|---|---".repeat(baselines.size())).append("|\n");
        for (Point fm : results) {
            if (!fm.deployment().startsWith(FMPLEX)) {
                continue;
            }
            md.append(String.format("| %s | %d | %s", fm.deployment(), fm.tasks(), load(fm)));
            for (String baseline : baselines) {
                Point other = match(baseline, fm);
                md.append(" | ")
                        .append(change(fm.p50Ms(), other == null ? Double.NaN : other.p50Ms()))
                        .append(" | ")
                        .append(change(fm.p99Ms(), other == null ? Double.NaN : other.p99Ms()));
            }
            md.append(" |\n");
        }
        return md.toString();
    }

    /** What HTTP adds: the served FMplex against the in-process one with the same lanes. */
    private String httpCost() {
        List<Point> overHttp =
                results.stream().filter(r -> r.deployment().startsWith(HTTP)).toList();
        if (overHttp.isEmpty()) {
            return "";
        }
        StringBuilder md =
                new StringBuilder(
                        "\n#### What HTTP adds: FMplex over HTTP (standalone server, its own"
                                + " process) vs FMplex in process, same lanes\n\n");
        md.append(
                "| tasks | offered req/s | p50 in process | p50 over HTTP | p99 in process | p99"
                        + " over HTTP |\n|---|---|---|---|---|---|\n");
        for (Point served : overHttp) {
            String inProcessName = served.deployment().replace(" over HTTP", "");
            Point inProcess = match(inProcessName, served);
            if (inProcess == null) {
                continue;
            }
            md.append(
                    String.format(
                            "| %d | %s | %s | %s | %s | %s |%n",
                            served.tasks(),
                            load(served),
                            ms(inProcess.p50Ms()),
                            ms(served.p50Ms()),
                            ms(inProcess.p99Ms()),
                            ms(served.p99Ms())));
        }
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
        long langchain4jBytes = bytesOf(BASELINES.get(2), largest);
        if (langchain4jBytes > 0) {
            md.append(
                    String.format(
                            "| ONNX weights held by langchain4j, one per task, for %d tasks | %,d |%n",
                            largest, langchain4jBytes));
        }
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
                        "deployment,tasks,offered_rps,bursty,round,requests,completed,p50_ms,p95_ms,p99_ms,achieved_rps,model_bytes\n");
        for (LoadRun.Result r : rounds) {
            csv.append(
                    String.format(
                            java.util.Locale.ROOT,
                            "%s,%d,%.1f,%b,%d,%d,%d,%.3f,%.3f,%.3f,%.2f,%d%n",
                            r.deployment().contains(",")
                                    ? '"' + r.deployment() + '"'
                                    : r.deployment(),
                            r.tasks(),
                            Math.abs(r.offeredRps()),
                            r.bursty(),
                            r.round() + 1,
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
                for (Point r : of(deployment)) {
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
        return results.stream().map(Point::deployment).distinct().toList();
    }

    private List<Point> of(String deployment) {
        return results.stream().filter(r -> r.deployment().equals(deployment)).toList();
    }

    private Point match(String deployment, Point like) {
        return of(deployment).stream()
                .filter(r -> r.tasks() == like.tasks() && r.offeredRps() == like.offeredRps())
                .findFirst()
                .orElse(null);
    }

    private long bytesOf(String deployment, int tasks) {
        return of(deployment).stream()
                .filter(r -> r.tasks() == tasks)
                .mapToLong(Point::modelBytes)
                .findFirst()
                .orElse(0);
    }

    private static String load(Point r) {
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
