package dev.fmplex.bench.serving;

import dev.fmplex.engine.execution.BackboneRuntime;
import dev.fmplex.engine.text.EncodedText;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Best-effort co-location: one full backbone instance per task, each with its own executor thread
 * using every core, all contending for the machine (as N model servers on one host do).
 */
final class ColocatedDeployment implements Deployment {

    private final List<DedicatedInstance> instances = new ArrayList<>();
    private final List<Thread> executors = new ArrayList<>();

    ColocatedDeployment(List<BackboneRuntime> copies, int cores) {
        for (int k = 0; k < copies.size(); k++) {
            DedicatedInstance instance = new DedicatedInstance(copies.get(k), k);
            instances.add(instance);
            Thread executor =
                    new Thread(
                            IntraOpThreads.using(
                                    cores,
                                    () -> {
                                        while (!Thread.currentThread().isInterrupted()
                                                && instance.awaitWork()) {
                                            instance.runOneBatch();
                                        }
                                    }),
                            "colocated-" + k);
            executor.setDaemon(true);
            executors.add(executor);
            executor.start();
        }
    }

    @Override
    public String name() {
        return "co-location";
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
        executors.forEach(Thread::interrupt);
        for (Thread executor : executors) {
            try {
                executor.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        instances.forEach(DedicatedInstance::close);
    }
}
