package dev.fmplex.bench.serving;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's intra-op thread count is an OpenMP setting of the calling thread: each executor thread
 * sets its own at start, so one deployment's split of the cores never leaks into another's.
 */
final class IntraOpThreads {

    private IntraOpThreads() {}

    /** Wraps {@code body} so that the thread running it uses {@code threads} intra-op threads. */
    static Runnable using(int threads, Runnable body) {
        return () -> {
            JniUtils.setNumThreads(threads);
            body.run();
        };
    }
}
