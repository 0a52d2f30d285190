package dev.fmplex.bench.serving;

import dev.fmplex.engine.text.EncodedText;
import java.util.concurrent.CompletableFuture;

/** One way of serving N tasks; all of them take the same requests in the same order. */
interface Deployment extends AutoCloseable {

    String name();

    /**
     * One request: its text, and the same text tokenized by the backbone's tokenizer (in-process
     * deployments take the tokens, so tokenization stays out of their comparison; a deployment that
     * tokenizes itself, as langchain4j and the HTTP server do, takes the text).
     */
    record Request(String text, EncodedText tokens) {}

    /** Queues one request of {@code task}; completes when its output is computed. */
    CompletableFuture<Void> submit(int task, Request request);

    /** Native bytes of the model weights this deployment holds (backbones plus extensions). */
    long modelBytes();

    @Override
    void close();
}
