package dev.fmplex.bench.serving;

import dev.fmplex.engine.text.EncodedText;
import java.util.concurrent.CompletableFuture;

/** One way of serving N tasks; all of them take the same requests in the same order. */
interface Deployment extends AutoCloseable {

    String name();

    /** Queues one request of {@code task}; completes when its output is computed. */
    CompletableFuture<Void> submit(int task, EncodedText text);

    /** Native bytes of the model weights this deployment holds (backbones plus extensions). */
    long modelBytes();

    @Override
    void close();
}
