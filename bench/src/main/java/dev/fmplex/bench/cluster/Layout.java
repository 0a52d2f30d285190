package dev.fmplex.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a placement put every task: the servers to run (a backbone on a worker, shared by many vFMs
 * for FMplex, one instance per task replica otherwise) and which share of each task's requests each
 * server gets. Tasks with no route were not hosted.
 */
final class Layout {

    /**
     * One server.
     *
     * @param lane the lane it is bound to, or -1 for any lane of its worker
     * @param maxInFlight batches it may run at once (FMplex: its worker's lanes; an instance: 1)
     */
    record Server(int worker, BackboneProfile backbone, int lane, int maxInFlight) {}

    /** A share of a task's requests sent to one server. */
    record Route(int server, double share) {}

    final List<Server> servers = new ArrayList<>();
    final Map<Integer, List<Route>> routes = new TreeMap<>();
    final long[] memoryUsed;

    Layout(int workers) {
        this.memoryUsed = new long[workers];
    }

    int hostedTasks() {
        return routes.size();
    }

    long totalMemoryUsed() {
        long total = 0;
        for (long used : memoryUsed) {
            total += used;
        }
        return total;
    }
}
