package dev.fmplex.bench.serving;

import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.nn.IntraOpThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the two baselines share: task {@code k} is served by its own {@link DedicatedInstance} on
 * its own backbone copy; they differ only in which threads run the instances' batches.
 */
abstract class InstancePerTask implements Deployment {

    protected final List<DedicatedInstance> instances = new ArrayList<>();
    private final List<Thread> executors = new ArrayList<>();

    InstancePerTask(List<BertServedBackbone> copies) {
        for (int k = 0; k < copies.size(); k++) {
            instances.add(new DedicatedInstance(copies.get(k), k));
        }
    }

    /** Starts an executor thread with {@code threads} PyTorch intra-op threads. */
    protected final void startExecutor(String name, int threads, Runnable loop) {
        Thread executor =
                new Thread(
                        () -> {
                            IntraOpThreads.setForThisThread(threads);
                            loop.run();
                        },
                        name);
        executor.setDaemon(true);
        executors.add(executor);
        executor.start();
    }

    /** Asks the executors to stop; called before they are joined. */
    protected abstract void stopExecutors();

    protected final void interruptExecutors() {
        executors.forEach(Thread::interrupt);
    }

    @Override
    public CompletableFuture<Void> submit(int task, Request request) {
        return instances.get(task).submit(request.tokens());
    }

    @Override
    public long modelBytes() {
        return instances.stream().mapToLong(DedicatedInstance::modelBytes).sum();
    }

    @Override
    public void close() {
        stopExecutors();
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
