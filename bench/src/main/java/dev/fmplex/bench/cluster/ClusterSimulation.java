package dev.fmplex.bench.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A discrete-event simulation of a layout serving a trace: Poisson arrivals per task for {@code
 * seconds}, each request routed to one of its task's servers, servers batching what is queued
 * (oldest first, at most 32 rows and 2048 padded units) onto free lanes of their worker, each batch
 * taking the calibrated cost model's time (times the measured slowdown when another lane of the
 * worker is busy). Runs until every request is done, and reports every hosted task's p99.
 */
final class ClusterSimulation {

    /**
     * What a layout achieved on a trace; {@code byBackbone} counts, per backbone, tasks in the
     * trace, hosted and meeting the SLO.
     */
    record Outcome(
            int tasks,
            int hosted,
            int meetingSlo,
            long requests,
            long requestsWithinSlo,
            long memoryUsedBytes,
            int backboneCopies,
            java.util.Map<String, int[]> byBackbone) {

        double requestAttainment() {
            return requests == 0 ? 0 : (double) requestsWithinSlo / requests;
        }
    }

    private record Request(int task, double arrivalMs, int rows, int units, double sloMs) {}

    private record Completion(double atMs, int worker, int lane, int server, List<Request> batch) {}

    private static final int MAX_ROWS = 32;
    private static final int MAX_PADDED_UNITS = 2048;

    private ClusterSimulation() {}

    static Outcome run(
            Cluster cluster,
            List<TaskTrace.Task> tasks,
            Layout layout,
            BatchCostModel cost,
            double seconds,
            long seed) {
        List<Request> arrivals = arrivals(tasks, layout, seconds, seed);
        Random routing = new Random(seed + 1);
        int servers = layout.servers.size();
        List<ArrayDeque<Request>> queues = new ArrayList<>();
        for (int s = 0; s < servers; s++) {
            queues.add(new ArrayDeque<>());
        }
        int[] inFlight = new int[servers];
        boolean[][] laneBusy = new boolean[cluster.workers()][cluster.lanes()];
        List<List<Double>> latencies = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            latencies.add(new ArrayList<>());
        }
        PriorityQueue<Completion> completions =
                new PriorityQueue<>(Comparator.comparingDouble(Completion::atMs));
        Dispatcher dispatcher =
                new Dispatcher(
                        layout,
                        queues,
                        inFlight,
                        laneBusy,
                        completions,
                        cost,
                        cluster.concurrentSlowdown());
        for (Request request : arrivals) {
            drain(completions, request.arrivalMs(), dispatcher, laneBusy, inFlight, latencies);
            int server = route(layout.routes.get(request.task()), routing);
            queues.get(server).addLast(request);
            dispatcher.dispatch(layout.servers.get(server).worker(), request.arrivalMs());
        }
        drain(completions, Double.POSITIVE_INFINITY, dispatcher, laneBusy, inFlight, latencies);
        return outcome(tasks, layout, latencies);
    }

    private static void drain(
            PriorityQueue<Completion> completions,
            double untilMs,
            Dispatcher dispatcher,
            boolean[][] laneBusy,
            int[] inFlight,
            List<List<Double>> latencies) {
        while (!completions.isEmpty() && completions.peek().atMs() <= untilMs) {
            Completion done = completions.poll();
            laneBusy[done.worker()][done.lane()] = false;
            inFlight[done.server()]--;
            for (Request r : done.batch()) {
                latencies.get(r.task()).add(done.atMs() - r.arrivalMs());
            }
            dispatcher.dispatch(done.worker(), done.atMs());
        }
    }

    /** Puts queued work of a worker's servers on its free lanes. */
    private record Dispatcher(
            Layout layout,
            List<ArrayDeque<Request>> queues,
            int[] inFlight,
            boolean[][] laneBusy,
            PriorityQueue<Completion> completions,
            BatchCostModel cost,
            double concurrentSlowdown) {

        void dispatch(int worker, double nowMs) {
            for (int lane = 0; lane < laneBusy[worker].length; lane++) {
                if (laneBusy[worker][lane]) {
                    continue;
                }
                int server = oldestWaiting(worker, lane);
                if (server < 0) {
                    continue;
                }
                List<Request> batch =
                        takeBatch(queues.get(server), layout.servers.get(server).backbone());
                int rows = 0;
                int longest = 0;
                for (Request r : batch) {
                    rows += r.rows();
                    longest = Math.max(longest, r.units());
                }
                boolean otherLaneBusy = false;
                for (boolean busy : laneBusy[worker]) {
                    otherLaneBusy |= busy;
                }
                double ms =
                        cost.predictMs(layout.servers.get(server).backbone(), rows, longest)
                                * (otherLaneBusy ? concurrentSlowdown : 1);
                laneBusy[worker][lane] = true;
                inFlight[server]++;
                completions.add(new Completion(nowMs + ms, worker, lane, server, batch));
            }
        }

        /** The server of this worker and lane whose head request has waited longest. */
        private int oldestWaiting(int worker, int lane) {
            int best = -1;
            double oldest = Double.POSITIVE_INFINITY;
            for (int s = 0; s < layout.servers.size(); s++) {
                Layout.Server server = layout.servers.get(s);
                if (server.worker() != worker
                        || (server.lane() >= 0 && server.lane() != lane)
                        || inFlight[s] >= server.maxInFlight()
                        || queues.get(s).isEmpty()) {
                    continue;
                }
                double head = queues.get(s).peekFirst().arrivalMs();
                if (head < oldest) {
                    oldest = head;
                    best = s;
                }
            }
            return best;
        }

        /**
         * The oldest queued requests, up to 32 rows and 2048 padded units, and no more than keep
         * the batch within half the tightest SLO in it (SLO-aware batch sizing: a bigger batch
         * would serve more per second but make every request in it late).
         */
        private List<Request> takeBatch(ArrayDeque<Request> queue, BackboneProfile backbone) {
            List<Request> batch = new ArrayList<>();
            int rows = 0;
            int longest = 0;
            double tightest = Double.POSITIVE_INFINITY;
            while (!queue.isEmpty()) {
                Request next = queue.peekFirst();
                int newRows = rows + next.rows();
                int newLongest = Math.max(longest, next.units());
                double newTightest = Math.min(tightest, next.sloMs());
                if (!batch.isEmpty()
                        && (newRows > MAX_ROWS
                                || (long) newRows * newLongest > MAX_PADDED_UNITS
                                || cost.predictMs(backbone, newRows, newLongest)
                                        > newTightest / 2)) {
                    break;
                }
                tightest = newTightest;
                batch.add(queue.pollFirst());
                rows = newRows;
                longest = newLongest;
            }
            return batch;
        }
    }

    private static List<Request> arrivals(
            List<TaskTrace.Task> tasks, Layout layout, double seconds, long seed) {
        Random random = new Random(seed);
        List<Request> arrivals = new ArrayList<>();
        // Every task's arrivals are drawn, hosted or not, so that two layouts of one trace see the
        // very same requests of the tasks they both host (common random numbers).
        for (TaskTrace.Task task : tasks) {
            boolean hosted = layout.routes.containsKey(task.id());
            double t = 0;
            while (true) {
                t += -Math.log(1 - random.nextDouble()) / task.ratePerSecond();
                if (t >= seconds) {
                    break;
                }
                int units = task.backbone().units().sample(random);
                if (hosted) {
                    arrivals.add(
                            new Request(
                                    task.id(),
                                    t * 1000,
                                    task.backbone().rowsPerRequest(),
                                    units,
                                    task.sloMs()));
                }
            }
        }
        arrivals.sort(Comparator.comparingDouble(Request::arrivalMs));
        return arrivals;
    }

    private static int route(List<Layout.Route> routes, Random random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (Layout.Route route : routes) {
            cumulative += route.share();
            if (u < cumulative) {
                return route.server();
            }
        }
        return routes.get(routes.size() - 1).server();
    }

    private static Outcome outcome(
            List<TaskTrace.Task> tasks, Layout layout, List<List<Double>> latencies) {
        int meeting = 0;
        long requests = 0;
        long within = 0;
        java.util.Map<String, int[]> byBackbone = new java.util.TreeMap<>();
        for (TaskTrace.Task task : tasks) {
            int[] counts = byBackbone.computeIfAbsent(task.backbone().name(), name -> new int[3]);
            counts[0]++;
            if (!layout.routes.containsKey(task.id())) {
                continue;
            }
            counts[1]++;
            double[] ms =
                    latencies.get(task.id()).stream().mapToDouble(Double::doubleValue).toArray();
            requests += ms.length;
            for (double l : ms) {
                if (l <= task.sloMs()) {
                    within++;
                }
            }
            if (ms.length == 0 || p99(ms) <= task.sloMs()) {
                meeting++;
                counts[2]++;
            }
        }
        return new Outcome(
                tasks.size(),
                layout.hostedTasks(),
                meeting,
                requests,
                within,
                layout.totalMemoryUsed(),
                layout.servers.size(),
                byBackbone);
    }

    static double p99(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(0.99 * sorted.length) - 1)];
    }
}
