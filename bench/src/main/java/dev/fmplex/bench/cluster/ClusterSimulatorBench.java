package dev.fmplex.bench.cluster;

import ai.djl.Device;
import dev.fmplex.bench.MachineInfo;
import dev.fmplex.bench.serving.LinePlot;
import dev.fmplex.bench.serving.MemoryProbe;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.family.bert.BundledMiniLm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cluster-scale comparison (issue 6): a trace of tasks over six backbones of real sizes placed on a
 * cluster by FMplex (vFMs sharing one backbone per worker, batched together) and as one instance
 * per task, then simulated; reports tasks hosted, tasks meeting their p99 SLO and request SLO
 * attainment as the number of tasks grows. The batch-cost model is first calibrated on batches
 * measured here, and its error on those batches is reported, in sample and across backbones.
 *
 * <p>Usage: {@code ClusterSimulatorBench [full|smoke] [output directory] [calibration CSV]}; {@code
 * full} writes {@code docs/cluster-simulation.md}, the measured batches to {@code
 * docs/cluster-calibration.csv} and {@code docs/img/cluster-*.png} (about 1 minute). Given a
 * calibration CSV, it simulates again from those measurements instead of measuring.
 */
public final class ClusterSimulatorBench {

    /** What a run covers. */
    record Plan(
            Cluster cluster,
            List<Integer> taskCounts,
            double ratePerTask,
            double seconds,
            List<Long> seeds) {

        static Plan full(Cluster cluster) {
            return new Plan(
                    cluster,
                    List.of(90, 135, 180, 270, 360, 540, 720, 1080, 1440, 2160),
                    0.1,
                    600,
                    List.of(1L, 2L, 3L));
        }

        static Plan smoke(Cluster cluster) {
            return new Plan(cluster, List.of(20, 40), 0.1, 60, List.of(1L));
        }
    }

    /** One trace size: the median outcome over the seeds for each way of placing. */
    record Row(int tasks, ClusterSimulation.Outcome fmplex, ClusterSimulation.Outcome perTask) {}

    private static final int MORE_COPIES = 8;

    private ClusterSimulatorBench() {}

    public static void main(String[] arguments) throws Exception {
        // Nothing may leave the machine, however the bench is started (DJL looks up a cloud
        // metadata address unless told it is offline): set before any DJL class loads.
        System.setProperty("ai.djl.offline", "true");
        // exec:exec passes -Dbench.args as one argument.
        String[] args = String.join(" ", arguments).trim().split("\\s+");
        boolean smoke = args[0].equals("smoke");
        Path output =
                Path.of(
                        args.length > 1
                                ? args[1]
                                : smoke
                                        ? "target"
                                        : Files.isDirectory(Path.of("..", "docs"))
                                                ? "../docs"
                                                : "docs");
        Path calibration = args.length > 2 ? Path.of(args[2]) : null;
        System.out.println(run(smoke, output, calibration));
    }

    /**
     * @param reuse a calibration CSV an earlier run wrote, to simulate again without measuring; or
     *     null to measure
     */
    static String run(boolean smoke, Path output, Path reuse) throws Exception {
        long[] memory = measureMemory();
        Calibration.Result calibration;
        if (reuse != null) {
            progress("reusing the calibration in " + reuse);
            calibration = Calibration.Result.parse(Files.readAllLines(reuse));
        } else {
            progress("calibrating the batch-cost model (one intra-op thread per lane)");
            calibration =
                    Calibration.measure(smoke ? Calibration.Grid.smoke() : Calibration.Grid.full());
        }
        Files.createDirectories(output);
        Files.writeString(output.resolve("cluster-calibration.csv"), calibration.csv());
        // A copy holds at least its weights, whatever the resident-memory noise says.
        double copyOverhead =
                Math.max(1.0, (double) memory[1] / BackboneProfile.MINILM.weightBytes());
        Cluster cluster =
                new Cluster(
                        8,
                        2,
                        16L << 30,
                        memory[0],
                        copyOverhead,
                        Math.max(1.0, calibration.concurrentSlowdown()),
                        0.7);
        Plan plan = smoke ? Plan.smoke(cluster) : Plan.full(cluster);
        BatchCostModel cost = BatchCostModel.fit(calibration.samples());
        progress("fitted " + cost);
        List<Row> rows = new ArrayList<>();
        for (int tasks : plan.taskCounts()) {
            List<ClusterSimulation.Outcome> fmplex = new ArrayList<>();
            List<ClusterSimulation.Outcome> perTask = new ArrayList<>();
            for (long seed : plan.seeds()) {
                List<TaskTrace.Task> trace =
                        TaskTrace.generate(tasks, tasks * plan.ratePerTask(), cost, seed);
                fmplex.add(
                        ClusterSimulation.run(
                                cluster,
                                trace,
                                Placement.fmplex(cluster, trace, cost),
                                cost,
                                plan.seconds(),
                                seed));
                perTask.add(
                        ClusterSimulation.run(
                                cluster,
                                trace,
                                Placement.instancePerTask(cluster, trace, cost),
                                cost,
                                plan.seconds(),
                                seed));
            }
            Row row = new Row(tasks, median(fmplex), median(perTask));
            rows.add(row);
            progress(
                    String.format(
                            "%4d tasks: FMplex hosts %d, %d meet the SLO; one instance per task"
                                    + " hosts %d, %d meet it",
                            tasks,
                            row.fmplex().hosted(),
                            row.fmplex().meetingSlo(),
                            row.perTask().hosted(),
                            row.perTask().meetingSlo()));
            progress("  FMplex by backbone (trace/hosted/meeting): " + counts(row.fmplex()));
            progress("  per task by backbone: " + counts(row.perTask()));
        }
        ClusterReport report = new ClusterReport(plan, calibration, cost, rows);
        String markdown =
                report.markdown(
                        MachineInfo.describe(
                                "calibration: one PyTorch intra-op thread per lane, as an executor"
                                        + " lane of FMplex or a partition of one core runs"));
        Files.createDirectories(output.resolve("img"));
        Files.writeString(output.resolve("cluster-simulation.md"), markdown);
        LinePlot plot =
                new LinePlot(
                        "tasks meeting their p99 SLO on "
                                + cluster.workers()
                                + " workers x "
                                + cluster.lanes()
                                + " cores",
                        "tasks in the trace",
                        "tasks meeting the SLO",
                        false);
        List<double[]> fm = new ArrayList<>();
        List<double[]> pt = new ArrayList<>();
        for (Row row : rows) {
            fm.add(new double[] {row.tasks(), row.fmplex().meetingSlo()});
            pt.add(new double[] {row.tasks(), row.perTask().meetingSlo()});
        }
        plot.add("FMplex placement", fm).add("one instance per task", pt);
        plot.write(
                output.resolve("img/cluster-tasks-meeting-slo.png"),
                plan.taskCounts().get(plan.taskCounts().size() - 1) * 1.05);
        return markdown;
    }

    /**
     * What a worker process holds before any model, and per further loaded copy, measured by
     * loading the bundled backbone once, then eight more times: {runtime bytes, bytes per copy}. A
     * few copies are not enough: the allocator's first arenas make the second copy look far bigger
     * than the tenth.
     */
    private static long[] measureMemory() throws Exception {
        progress("measuring resident memory per backbone copy");
        long start = MemoryProbe.residentBytes();
        List<BertServedBackbone> copies = new ArrayList<>();
        BackboneLoadOptions options =
                new BackboneLoadOptions(
                        Device.cpu(),
                        256,
                        Calibration.EXECUTION,
                        Runtime.getRuntime().availableProcessors());
        try {
            copies.add(BundledMiniLm.load(options));
            long one = MemoryProbe.residentBytes();
            for (int k = 0; k < MORE_COPIES; k++) {
                copies.add(BundledMiniLm.load(options));
            }
            long all = MemoryProbe.residentBytes();
            long perCopy = (all - one) / MORE_COPIES;
            return new long[] {Math.max(0, one - start - perCopy), perCopy};
        } finally {
            copies.forEach(BertServedBackbone::close);
        }
    }

    /** The outcome with the median number of tasks meeting the SLO. */
    private static ClusterSimulation.Outcome median(List<ClusterSimulation.Outcome> outcomes) {
        List<ClusterSimulation.Outcome> sorted =
                outcomes.stream()
                        .sorted(
                                java.util.Comparator.comparingInt(
                                        ClusterSimulation.Outcome::meetingSlo))
                        .toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    static String counts(ClusterSimulation.Outcome outcome) {
        StringBuilder text = new StringBuilder();
        outcome.byBackbone()
                .forEach(
                        (name, c) ->
                                text.append(name)
                                        .append(' ')
                                        .append(c[0])
                                        .append('/')
                                        .append(c[1])
                                        .append('/')
                                        .append(c[2])
                                        .append("; "));
        return text.toString();
    }

    static void progress(String message) {
        System.err.println("[cluster] " + message);
    }
}
