package dev.fmplex.engine.nn;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's intra-op thread count. It is an OpenMP setting of the calling thread, so each executor
 * lane sets its own when it starts and one lane's share of the cores never leaks into another's.
 */
public final class IntraOpThreads {

    private IntraOpThreads() {}

    /** Makes ops run by the calling thread use {@code threads} intra-op threads. */
    public static void setForThisThread(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("intra-op threads must be >= 1, is " + threads);
        }
        JniUtils.setNumThreads(threads);
    }

    /** The cores each of {@code lanes} executor lanes gets: an even split, at least one. */
    public static int perLane(int lanes) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / lanes);
    }
}
