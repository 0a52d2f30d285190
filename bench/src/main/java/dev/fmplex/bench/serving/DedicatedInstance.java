package dev.fmplex.bench.serving;

import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.text.EncodedText;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One task served as users serve it today: its own full copy of the backbone and its own queue with
 * intra-task batching (everything queued, up to 32 rows and 2048 padded tokens, runs as one batch).
 * Who runs {@link #runOneBatch()}, and on how many cores, is the deployment's choice.
 */
final class DedicatedInstance implements AutoCloseable {

    private record Pending(EncodedText text, CompletableFuture<Void> done) {}

    private final BertServedBackbone runtime;
    private final VfmModel model;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();

    DedicatedInstance(BertServedBackbone runtime, int task) {
        this.runtime = runtime;
        this.model = TaskModels.build(runtime, task);
    }

    synchronized CompletableFuture<Void> submit(EncodedText text) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.addLast(new Pending(text, done));
        notifyAll();
        return done;
    }

    /** Waits for work; false when interrupted (the deployment is closing). */
    synchronized boolean awaitWork() {
        while (queue.isEmpty()) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Runs what is queued (up to the batch budget) as one batch; returns false if none. */
    boolean runOneBatch() {
        List<Pending> batch = new ArrayList<>();
        synchronized (this) {
            int longest = 0;
            while (!queue.isEmpty() && batch.size() < 32) {
                int length = Math.max(longest, queue.peekFirst().text().ids().length);
                if (!batch.isEmpty() && (long) length * (batch.size() + 1) > 2048) {
                    break;
                }
                longest = length;
                batch.add(queue.pollFirst());
            }
        }
        if (batch.isEmpty()) {
            return false;
        }
        try {
            runtime.execute(batch.stream().map(p -> new BatchRow(model, p.text())).toList());
            batch.forEach(p -> p.done().complete(null));
        } catch (RuntimeException e) {
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
        return true;
    }

    long modelBytes() {
        return runtime.descriptor().parameterBytes() + model.residentBytes();
    }

    @Override
    public void close() {
        model.release();
    }
}
