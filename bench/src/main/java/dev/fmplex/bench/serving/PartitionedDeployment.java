package dev.fmplex.bench.serving;

import dev.fmplex.engine.family.bert.BertServedBackbone;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Spatial partitioning: one full instance per task on a static share of the cores. With N tasks on
 * C cores there are min(N, C) lanes of C / lanes intra-op threads each; task {@code k} is bound to
 * lane {@code k mod lanes}, which runs one batch at a time for its tasks in turn. A task can never
 * use a core outside its lane, even while that core is idle: the cost of a static split. (Turns
 * skip tasks with nothing queued, which flatters this baseline a little.)
 */
final class PartitionedDeployment extends InstancePerTask {

    private volatile boolean running = true;

    PartitionedDeployment(List<BertServedBackbone> copies, int cores) {
        super(copies);
        int laneCount = Math.min(copies.size(), cores);
        int threadsPerLane = Math.max(1, cores / laneCount);
        for (int lane = 0; lane < laneCount; lane++) {
            List<DedicatedInstance> mine = new ArrayList<>();
            for (int k = lane; k < instances.size(); k += laneCount) {
                mine.add(instances.get(k));
            }
            startExecutor("partition-lane-" + lane, threadsPerLane, () -> serve(mine));
        }
    }

    private void serve(List<DedicatedInstance> mine) {
        while (running) {
            boolean ranAny = false;
            for (DedicatedInstance instance : mine) {
                ranAny |= instance.runOneBatch();
            }
            if (!ranAny) {
                // An idle lane polls: its cores are reserved for its tasks, not lent out.
                LockSupport.parkNanos(200_000);
            }
        }
    }

    @Override
    public String name() {
        return "spatial partitioning";
    }

    @Override
    protected void stopExecutors() {
        running = false;
    }
}
