package dev.fmplex.bench.serving;

import ai.djl.Device;
import dev.fmplex.bench.Langchain4jMiniLm;
import dev.fmplex.bench.MachineInfo;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.family.bert.BundledMiniLm;
import dev.fmplex.engine.text.EncodedText;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * FMplex vs best-effort co-location vs spatial partitioning vs langchain4j one instance per task on
 * the same tasks, workload and machine, in one run (issue 6), plus FMplex over HTTP and the
 * backbone-only throughput of FMplex's encoder against ONNX Runtime. {@code smoke} runs for seconds
 * and only proves the harness; {@code full} (the default) takes about 35 minutes and writes the
 * report and plots.
 *
 * <p>Usage: {@code ServingComparisonBench [full|smoke|smoke-http] [output directory]} ({@code
 * smoke-http} adds FMplex over HTTP to the smoke plan and needs the standalone jar built); the
 * report goes to stdout and {@code <output>/serving-comparison.md}, plots to {@code <output>/img/};
 * the output is the repository's {@code docs/} for {@code full} and {@code target/} for {@code
 * smoke}.
 */
public final class ServingComparisonBench {

    /**
     * What a run covers.
     *
     * @param rounds repetitions of every (task count, load) point, interleaved across deployments
     * @param langchain4j whether the langchain4j-per-task peer runs
     * @param httpServer the standalone jar to measure FMplex over HTTP with, or null for none
     * @param throughputThreads intra-op thread counts of the backbone-only throughput comparison
     * @param execution the execution path of FMplex and of the one-instance-per-task copies ({@code
     *     -Dbench.execution=auto|eager|onnxruntime}, default {@code auto}: onnxruntime on the CPU,
     *     as the worker defaults)
     */
    record Plan(
            List<Integer> taskCounts,
            List<Double> offeredRps,
            double burstyRps,
            double seconds,
            long drainNanos,
            int rounds,
            double sloMs,
            long memoryBudgetBytes,
            boolean langchain4j,
            Path httpServer,
            List<Integer> throughputThreads,
            int throughputSentences,
            ExecutionPath execution) {

        static Plan full() {
            return new Plan(
                    List.of(1, 4, 8, 16, 32),
                    List.of(20.0, 40.0, 60.0),
                    40.0,
                    5,
                    TimeUnit.SECONDS.toNanos(10),
                    3,
                    250,
                    16L << 30,
                    true,
                    standaloneJar(),
                    List.of(1, Runtime.getRuntime().availableProcessors()),
                    512,
                    executionSetting());
        }

        static Plan smoke() {
            return new Plan(
                    List.of(1, 2),
                    List.of(20.0),
                    0,
                    1,
                    TimeUnit.SECONDS.toNanos(5),
                    2,
                    250,
                    16L << 30,
                    true,
                    null,
                    List.of(1),
                    16,
                    executionSetting());
        }

        Plan withHttpServer(Path jar) {
            return new Plan(
                    taskCounts,
                    offeredRps,
                    burstyRps,
                    seconds,
                    drainNanos,
                    rounds,
                    sloMs,
                    memoryBudgetBytes,
                    langchain4j,
                    jar,
                    throughputThreads,
                    throughputSentences,
                    execution);
        }

        private static ExecutionPath executionSetting() {
            return ExecutionPath.forSetting(
                    System.getProperty("bench.execution", ExecutionPath.AUTO), Device.cpu());
        }

        /**
         * The jar the README's first command builds, from the repository root or {@code bench/}.
         */
        static Path standaloneJar() {
            Path fromBench = Path.of("..", "standalone", "target", "fmplex-standalone.jar");
            return Files.isRegularFile(fromBench)
                    ? fromBench
                    : Path.of("standalone", "target", "fmplex-standalone.jar");
        }
    }

    private ServingComparisonBench() {}

    public static void main(String[] arguments) throws Exception {
        // Nothing may leave the machine, however the bench is started (DJL looks up a cloud
        // metadata address unless told it is offline): set before any DJL class loads.
        System.setProperty("ai.djl.offline", "true");
        // exec:exec passes -Dbench.args as one argument.
        String[] args = String.join(" ", arguments).trim().split("\\s+");
        String mode = args[0].isEmpty() ? "full" : args[0];
        boolean smoke = mode.startsWith("smoke");
        Plan plan =
                switch (mode) {
                    case "smoke" -> Plan.smoke();
                    case "smoke-http" -> Plan.smoke().withHttpServer(Plan.standaloneJar());
                    case "full" -> Plan.full();
                    default ->
                            throw new IllegalArgumentException(
                                    "mode must be full, smoke or smoke-http, is " + mode);
                };
        Path output = Path.of(args.length > 1 ? args[1] : smoke ? "target" : repositoryDocs());
        String report = run(plan, output);
        System.out.println(report);
    }

    /** {@code docs/} of the repository, from its root or from {@code bench/} (where exec runs). */
    private static String repositoryDocs() {
        return Files.isDirectory(Path.of("..", "docs")) ? "../docs" : "docs";
    }

    /** Runs the plan and returns the markdown report (also written under {@code output}). */
    static String run(Plan plan, Path output) throws Exception {
        if (plan.httpServer() != null && !Files.isRegularFile(plan.httpServer())) {
            // Fail before minutes of loading, not after.
            throw new IllegalStateException(
                    plan.httpServer().toAbsolutePath()
                            + " is missing: build it first with ./mvnw -B -DskipTests package");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int maxTasks = plan.taskCounts().stream().mapToInt(Integer::intValue).max().orElseThrow();
        long rssStart = MemoryProbe.residentBytes();
        List<BertServedBackbone> copies = new ArrayList<>();
        List<LoadRun.Result> results = new ArrayList<>();
        MemoryProbe.Footprint footprint;
        List<BackboneThroughput.Row> throughput;
        HttpServedFmplex http = null;
        try {
            progress("loading " + maxTasks + " copies of the backbone (one per dedicated task)");
            BackboneLoadOptions options =
                    new BackboneLoadOptions(Device.cpu(), 256, plan.execution(), cores);
            copies.add(BundledMiniLm.load(options));
            long rssOne = MemoryProbe.residentBytes();
            for (int k = 1; k < maxTasks; k++) {
                copies.add(BundledMiniLm.load(options));
            }
            long rssAll = MemoryProbe.residentBytes();
            footprint = MemoryProbe.Footprint.of(rssStart, rssOne, rssAll, maxTasks);
            BertServedBackbone first = copies.get(0);
            // Read once: every ONNX Runtime session below is built from these bytes.
            byte[] onnxModel = Langchain4jMiniLm.onnxModel();
            progress("backbone-only throughput, FMplex vs ONNX Runtime, same passes");
            throughput =
                    BackboneThroughput.measure(
                            first,
                            onnxModel,
                            throughputTexts(first, plan.throughputSentences()),
                            plan.throughputThreads(),
                            3,
                            plan.execution());
            throughput.forEach(row -> progress(row.toString()));
            List<EmbeddingModel> langchain4j = new ArrayList<>();
            if (plan.langchain4j()) {
                progress("building " + maxTasks + " langchain4j models (one per task)");
                for (int k = 0; k < maxTasks; k++) {
                    langchain4j.add(Langchain4jMiniLm.create(Runnable::run, onnxModel));
                }
            }
            long onnxBytes = onnxModel.length;
            if (plan.httpServer() != null) {
                progress("starting the standalone server with " + maxTasks + " vFMs");
                http =
                        HttpServedFmplex.start(
                                plan.httpServer(),
                                cores,
                                maxTasks,
                                Path.of("target", "serving-http-server.log"));
            }
            for (int tasks : plan.taskCounts()) {
                List<BertServedBackbone> mine = copies.subList(0, tasks);
                List<Deployment> deployments = new ArrayList<>();
                try {
                    deployments.add(new SharedBackboneDeployment(first, tasks, cores, 1));
                    deployments.add(new SharedBackboneDeployment(first, tasks, cores, cores));
                    if (http != null) {
                        deployments.add(http.forTasks(tasks));
                    }
                    deployments.add(new ColocatedDeployment(mine, cores));
                    if (plan.execution() == ExecutionPath.EAGER) {
                        // A lane's share of the cores is an intra-op thread count set per
                        // executor thread; an ONNX Runtime session's pool is fixed when it is
                        // built, so lanes could not bound it: partitioning runs eagerly only.
                        deployments.add(new PartitionedDeployment(mine, cores));
                    }
                    if (plan.langchain4j()) {
                        deployments.add(new Langchain4jPerTask(langchain4j, tasks, onnxBytes));
                    }
                    for (Deployment deployment : deployments) {
                        warmUp(deployment, tasks, first);
                    }
                    playRounds(plan, tasks, deployments, first, results);
                } finally {
                    deployments.forEach(Deployment::close);
                }
            }
        } finally {
            if (http != null) {
                http.close();
            }
            copies.forEach(BertServedBackbone::close);
        }
        ServingReport report = new ServingReport(plan, results, footprint, throughput, cores);
        String markdown = report.markdown(MachineInfo.describe(threads(cores, plan.execution())));
        Files.createDirectories(output);
        Files.writeString(output.resolve("serving-comparison.md"), markdown);
        Files.writeString(output.resolve("serving-results.csv"), report.csv());
        report.writePlots(output.resolve("img"));
        return markdown;
    }

    /**
     * Every round plays every load on every deployment, deployments interleaved within a round and
     * all seeing the same arrivals, so that a slow minute of the shared machine hits them alike.
     */
    private static void playRounds(
            Plan plan,
            int tasks,
            List<Deployment> deployments,
            BertServedBackbone tokenizerSource,
            List<LoadRun.Result> results)
            throws InterruptedException {
        List<Double> loads = new ArrayList<>(plan.offeredRps());
        if (plan.burstyRps() > 0) {
            loads.add(-plan.burstyRps());
        }
        for (int round = 0; round < plan.rounds(); round++) {
            for (double load : loads) {
                Workload.Pattern pattern =
                        load < 0 ? Workload.Pattern.BURSTY : Workload.Pattern.POISSON;
                List<Workload.Arrival> arrivals =
                        Workload.generate(
                                tasks,
                                Math.abs(load),
                                plan.seconds(),
                                pattern,
                                42 + tasks + 1000L * round);
                List<Deployment.Request> requests = new ArrayList<>(arrivals.size());
                for (Workload.Arrival arrival : arrivals) {
                    requests.add(
                            new Deployment.Request(
                                    arrival.text(),
                                    tokenizerSource.tokenizer().encode(arrival.text())));
                }
                for (Deployment deployment : deployments) {
                    results.add(play(deployment, tasks, load, round, arrivals, requests, plan));
                }
            }
        }
    }

    /** Texts drawn from the workload's length mix, tokenized. */
    private static List<EncodedText> throughputTexts(BertServedBackbone runtime, int count) {
        return Workload.texts(count, 7).stream().map(runtime.tokenizer()::encode).toList();
    }

    private static String threads(int cores, ExecutionPath execution) {
        if (execution == ExecutionPath.ONNX_RUNTIME) {
            return "execution onnxruntime for FMplex and the co-located copies; FMplex: one"
                    + " executor lane, and (\"FMplex, "
                    + cores
                    + " lanes\") "
                    + cores
                    + " lanes, over one backbone whose ONNX Runtime sessions have "
                    + cores
                    + " intra-op threads; co-location: one executor thread per task, each copy's"
                    + " sessions with "
                    + cores
                    + " intra-op threads; spatial partitioning not run (an ONNX Runtime pool is"
                    + " fixed when built, lanes cannot bound it); FMplex over HTTP: the standalone"
                    + " server in its own process with "
                    + cores
                    + " lanes; langchain4j: one ONNX Runtime session per task with its default"
                    + " intra-op threads (spinning off), called from one thread per task";
        }
        return "execution eager; FMplex: one executor lane with "
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
                + " / lanes intra-op threads, each task bound to one lane; FMplex over HTTP: the"
                + " standalone server in its own process with "
                + cores
                + " lanes; langchain4j: one ONNX Runtime session per task with its default intra-op"
                + " threads (spinning off), called from one thread per task";
    }

    private static LoadRun.Result play(
            Deployment deployment,
            int tasks,
            double load,
            int round,
            List<Workload.Arrival> arrivals,
            List<Deployment.Request> requests,
            Plan plan)
            throws InterruptedException {
        LoadRun.Result result =
                LoadRun.play(
                        deployment,
                        tasks,
                        load,
                        round,
                        arrivals,
                        requests,
                        TimeUnit.MILLISECONDS.toNanos((long) (plan.seconds() * 1000))
                                + plan.drainNanos());
        progress(
                String.format(
                        "round %d %-27s N=%-2d %s %5.0f req/s: %d/%d done, p50 %.1f ms, p99 %.1f ms",
                        round + 1,
                        deployment.name(),
                        tasks,
                        load < 0 ? "bursty " : "poisson",
                        Math.abs(load),
                        result.completed(),
                        result.requests(),
                        result.p50Ms(),
                        result.p99Ms()));
        return result;
    }

    private static void warmUp(Deployment deployment, int tasks, BertServedBackbone tokenizerSource)
            throws Exception {
        String text = "warming up the executor";
        Deployment.Request request =
                new Deployment.Request(text, tokenizerSource.tokenizer().encode(text));
        List<java.util.concurrent.CompletableFuture<Void>> pending = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < tasks; k++) {
                pending.add(deployment.submit(k, request));
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
