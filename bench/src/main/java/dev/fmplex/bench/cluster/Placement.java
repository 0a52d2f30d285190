package dev.fmplex.bench.cluster;

import dev.fmplex.control.placement.Candidate;
import dev.fmplex.control.placement.PlacementDecision;
import dev.fmplex.control.placement.PlacementPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two ways of putting tasks on a cluster, both admitting tasks in trace order (as they arrive
 * at the platform) and both planning with the same cost model and utilization target:
 *
 * <ul>
 *   <li>{@link #fmplex}: a task becomes a vFM where FMplex's production {@link PlacementPolicy}
 *       puts it, among the workers whose lanes have room for the backbone's combined load (batched
 *       together, so the load of a group grows slower than the sum of its tasks'), the least
 *       utilized first; a worker without the backbone may load a copy if it has memory for it.
 *       Extensions cost their own bytes only.
 *   <li>{@link #instancePerTask}: every task replica is its own backbone copy bound to the least
 *       loaded lane of a worker with memory for it (spatial partitioning), batching only its own
 *       requests.
 * </ul>
 *
 * A task too hot for one worker (FMplex) or one lane (instance per task) is split over replicas,
 * its requests shared evenly. A task that does not fit is not hosted.
 */
final class Placement {

    private Placement() {}

    /**
     * Lane-seconds per second a server spends on {@code rate} requests per second when it may run
     * batches on {@code lanes} lanes at once: requests that arrive during one batch's time run
     * together, shared among the lanes that take work as soon as they are free (at least 1 a batch,
     * at most a full batch), padded to the expected longest of them.
     */
    static double laneLoad(BatchCostModel cost, BackboneProfile backbone, double rate, int lanes) {
        if (rate <= 0) {
            return 0;
        }
        int batched = plannedBatch(cost, backbone, rate, lanes);
        return rate * batchMs(cost, backbone, batched) / 1000 / batched;
    }

    /**
     * Whether requests at {@code rate} can meet {@code sloMs}: a request may wait for a running
     * batch and then run in its own, so a planned batch (slowed by a busy second lane) must take at
     * most half the SLO.
     */
    static boolean meetsSlo(
            Cluster cluster,
            BatchCostModel cost,
            BackboneProfile backbone,
            double rate,
            int lanes,
            double sloMs) {
        int batched = plannedBatch(cost, backbone, rate, lanes);
        return batchMs(cost, backbone, batched) * cluster.concurrentSlowdown() <= sloMs / 2;
    }

    /** Requests per batch: those arriving during one request's time alone, per lane. */
    private static int plannedBatch(
            BatchCostModel cost, BackboneProfile backbone, double rate, int lanes) {
        double alone = batchMs(cost, backbone, 1) / 1000;
        double perBatch =
                Math.max(1, Math.min(32.0 / backbone.rowsPerRequest(), rate * alone / lanes));
        return (int) Math.round(perBatch);
    }

    /** Milliseconds of a batch of {@code requests} requests, padded to their expected longest. */
    private static double batchMs(BatchCostModel cost, BackboneProfile backbone, int requests) {
        int padded = (int) Math.round(backbone.units().expectedMax(requests));
        return cost.predictMs(backbone, backbone.rowsPerRequest() * requests, padded);
    }

    static Layout fmplex(Cluster cluster, List<TaskTrace.Task> tasks, BatchCostModel cost) {
        int workers = cluster.workers();
        long[] memory = new long[workers];
        java.util.Arrays.fill(memory, cluster.runtimeBytes());
        List<Map<BackboneProfile, Double>> groups = new ArrayList<>();
        List<Map<BackboneProfile, Integer>> serverOf = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            groups.add(new HashMap<>());
            serverOf.add(new HashMap<>());
        }
        double capacity = cluster.targetUtilization() * cluster.lanes();
        Layout layout = new Layout(workers);
        for (TaskTrace.Task task : tasks) {
            BackboneProfile b = task.backbone();
            long adapter = b.adapterBytes(task.loraRank());
            int parts =
                    partsNeeded(
                            cluster,
                            cost,
                            b,
                            task.ratePerSecond(),
                            cluster.lanes(),
                            capacity,
                            workers);
            double part = task.ratePerSecond() / parts;
            long[] memoryTry = memory.clone();
            List<Map<BackboneProfile, Double>> groupsTry = new ArrayList<>();
            groups.forEach(g -> groupsTry.add(new HashMap<>(g)));
            List<Integer> chosen = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                // FMplex's own placement policy chooses among the workers whose lanes could take
                // this part (within the utilization target, meeting the SLO, only backbones
                // compatible with it), with their planned lane utilization as the load it
                // spreads: keeping lanes as idle as memory allows is what SLOs need. A simulated
                // worker may also load another copy of the backbone, so every one offers it, at
                // the copy's bytes where it has none yet; copies are cheap next to one instance
                // per task. Replicas go to distinct workers: those chosen are excluded.
                List<Candidate> candidates = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    Map<BackboneProfile, Double> hosted = groupsTry.get(w);
                    if (!hosted.keySet().stream().allMatch(other -> compatible(cost, b, other))) {
                        continue;
                    }
                    double util = utilWith(cluster, hosted, cost, b, part, cluster.lanes());
                    double groupRate = hosted.getOrDefault(b, 0.0) + part;
                    if (util > capacity
                            || !meetsSlo(
                                    cluster, cost, b, groupRate, cluster.lanes(), task.sloMs())) {
                        continue;
                    }
                    Set<String> offered = new HashSet<>();
                    hosted.keySet().forEach(other -> offered.add(other.name()));
                    offered.add(b.name());
                    long used = memoryTry[w] + (hosted.containsKey(b) ? 0 : cluster.copyBytes(b));
                    candidates.add(
                            new Candidate(
                                    String.valueOf(w),
                                    address(w),
                                    true,
                                    offered,
                                    cluster.memoryBytes(),
                                    used,
                                    util));
                }
                Set<String> exclude = new HashSet<>();
                chosen.forEach(w -> exclude.add(String.valueOf(w)));
                if (!(PlacementPolicy.choose(b.name(), adapter, candidates, exclude)
                        instanceof PlacementDecision.Chosen choice)) {
                    break;
                }
                int best = Integer.parseInt(choice.worker().id());
                if (!groupsTry.get(best).containsKey(b)) {
                    memoryTry[best] += cluster.copyBytes(b);
                }
                memoryTry[best] += adapter;
                groupsTry.get(best).merge(b, part, Double::sum);
                chosen.add(best);
            }
            if (chosen.size() < parts) {
                continue; // not hosted; nothing of it was committed
            }
            System.arraycopy(memoryTry, 0, memory, 0, workers);
            List<Layout.Route> routes = new ArrayList<>();
            for (int w : chosen) {
                groups.get(w).merge(b, part, Double::sum);
                Integer server = serverOf.get(w).get(b);
                if (server == null) {
                    server = layout.servers.size();
                    layout.servers.add(new Layout.Server(w, b, -1, cluster.lanes()));
                    serverOf.get(w).put(b, server);
                }
                routes.add(new Layout.Route(server, 1.0 / parts));
            }
            layout.routes.put(task.id(), routes);
        }
        System.arraycopy(memory, 0, layout.memoryUsed, 0, workers);
        return layout;
    }

    static Layout instancePerTask(
            Cluster cluster, List<TaskTrace.Task> tasks, BatchCostModel cost) {
        int workers = cluster.workers();
        int lanes = cluster.lanes();
        long[] memory = new long[workers];
        java.util.Arrays.fill(memory, cluster.runtimeBytes());
        double[][] laneUtil = new double[workers][lanes];
        List<List<java.util.Set<BackboneProfile>>> laneBackbones = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            List<java.util.Set<BackboneProfile>> perLane = new ArrayList<>();
            for (int l = 0; l < lanes; l++) {
                perLane.add(new java.util.HashSet<>());
            }
            laneBackbones.add(perLane);
        }
        double capacity = cluster.targetUtilization();
        Layout layout = new Layout(workers);
        for (TaskTrace.Task task : tasks) {
            BackboneProfile b = task.backbone();
            int parts =
                    partsNeeded(
                            cluster, cost, b, task.ratePerSecond(), 1, capacity, workers * lanes);
            double part = task.ratePerSecond() / parts;
            double load = planned(cluster, cost, b, part, 1);
            if (!meetsSlo(cluster, cost, b, part, 1, task.sloMs())) {
                continue; // too hot for one instance to stay within its SLO, even split
            }
            long copy = cluster.copyBytes(b);
            long[] memoryTry = memory.clone();
            double[][] utilTry = new double[workers][];
            for (int w = 0; w < workers; w++) {
                utilTry[w] = laneUtil[w].clone();
            }
            List<int[]> chosen = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                // The least loaded lane among workers with memory for one more copy (spreads
                // instances, as FMplex spreads backbones).
                int[] slot = null;
                double lowest = Double.POSITIVE_INFINITY;
                for (int w = 0; w < workers; w++) {
                    if (memoryTry[w] + copy > cluster.memoryBytes()) {
                        continue;
                    }
                    for (int l = 0; l < lanes; l++) {
                        boolean fits =
                                laneBackbones.get(w).get(l).stream()
                                        .allMatch(other -> compatible(cost, b, other));
                        if (fits && utilTry[w][l] + load <= capacity && utilTry[w][l] < lowest) {
                            slot = new int[] {w, l};
                            lowest = utilTry[w][l];
                        }
                    }
                }
                if (slot == null) {
                    break;
                }
                memoryTry[slot[0]] += copy;
                utilTry[slot[0]][slot[1]] += load;
                chosen.add(slot);
            }
            if (chosen.size() < parts) {
                continue;
            }
            System.arraycopy(memoryTry, 0, memory, 0, workers);
            for (int w = 0; w < workers; w++) {
                laneUtil[w] = utilTry[w];
            }
            List<Layout.Route> routes = new ArrayList<>();
            for (int[] slot : chosen) {
                laneBackbones.get(slot[0]).get(slot[1]).add(b);
                routes.add(new Layout.Route(layout.servers.size(), 1.0 / parts));
                layout.servers.add(new Layout.Server(slot[0], b, slot[1], 1));
            }
            layout.routes.put(task.id(), routes);
        }
        System.arraycopy(memory, 0, layout.memoryUsed, 0, workers);
        return layout;
    }

    /**
     * A simulated worker's address: its index zero-padded, so that the policy's last tiebreak (the
     * lowest address) is the lowest index.
     */
    private static String address(int worker) {
        return String.format("worker-%06d", worker);
    }

    /** Planned lane load: {@link #laneLoad} with the slowdown of lanes running at once. */
    private static double planned(
            Cluster cluster, BatchCostModel cost, BackboneProfile b, double rate, int lanes) {
        return laneLoad(cost, b, rate, lanes) * cluster.concurrentSlowdown();
    }

    /**
     * Whether two backbones may share lanes: neither's request alone may take more than half the
     * other's SLO, or a batch of the big one would make the small one's requests miss theirs while
     * they wait for a lane. Applied alike to both placements.
     */
    static boolean compatible(BatchCostModel cost, BackboneProfile a, BackboneProfile b) {
        return a.equals(b)
                || (TaskTrace.aloneMs(cost, a) <= TaskTrace.sloMs(cost, b) / 2
                        && TaskTrace.aloneMs(cost, b) <= TaskTrace.sloMs(cost, a) / 2);
    }

    /** Fewest replicas whose share of the rate fits {@code capacity} on one server, at most max. */
    private static int partsNeeded(
            Cluster cluster,
            BatchCostModel cost,
            BackboneProfile b,
            double rate,
            int lanes,
            double capacity,
            int max) {
        int parts = 1;
        while (parts < max && planned(cluster, cost, b, rate / parts, lanes) > capacity) {
            parts++;
        }
        return parts;
    }

    /** A worker's planned lane load after adding {@code rate} of backbone {@code b}. */
    private static double utilWith(
            Cluster cluster,
            Map<BackboneProfile, Double> groups,
            BatchCostModel cost,
            BackboneProfile b,
            double rate,
            int lanes) {
        double util = 0;
        for (Map.Entry<BackboneProfile, Double> group : groups.entrySet()) {
            if (!group.getKey().equals(b)) {
                util += planned(cluster, cost, group.getKey(), group.getValue(), lanes);
            }
        }
        return util + planned(cluster, cost, b, groups.getOrDefault(b, 0.0) + rate, lanes);
    }
}
