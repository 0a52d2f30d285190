package dev.fmplex.bench.serving;

import dev.fmplex.engine.execution.BackboneRuntime;
import dev.fmplex.engine.text.EncodedText;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Spatial partitioning: one full instance per task on a static share of the cores. With N tasks on
 * C cores there are min(N, C) lanes of C / lanes intra-op threads each; task {@code k} is bound to
 * lane {@code k mod lanes}, which runs one batch at a time for its tasks in turn. A task can never
 * use a core outside its lane, even while that core is idle: the cost of a static split. (Turns
 * skip tasks with nothing queued, which flatters this baseline a little.)
 */
final class PartitionedDeployment implements Deployment {

    private final List<DedicatedInstance> instances = new ArrayList<>();
    private final List<Thread> lanes = new ArrayList<>();
    private volatile boolean running = true;

    PartitionedDeployment(List<BackboneRuntime> copies, int cores) {
        for (int k = 0; k < copies.size(); k++) {
            instances.add(new DedicatedInstance(copies.get(k), k));
        }
        int laneCount = Math.min(copies.size(), cores);
        int threadsPerLane = Math.max(1, cores / laneCount);
        for (int lane = 0; lane < laneCount; lane++) {
            List<DedicatedInstance> mine = new ArrayList<>();
            for (int k = lane; k < instances.size(); k += laneCount) {
                mine.add(instances.get(k));
            }
            Thread thread =
                    new Thread(
                            IntraOpThreads.using(threadsPerLane, () -> serve(mine)),
                            "partition-lane-" + lane);
            thread.setDaemon(true);
            lanes.add(thread);
            thread.start();
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
    public CompletableFuture<Void> submit(int task, EncodedText text) {
        return instances.get(task).submit(text);
    }

    @Override
    public long modelBytes() {
        return instances.stream().mapToLong(DedicatedInstance::modelBytes).sum();
    }

    @Override
    public void close() {
        running = false;
        for (Thread lane : lanes) {
            try {
                lane.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        instances.forEach(DedicatedInstance::close);
    }
}
