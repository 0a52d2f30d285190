package dev.fmplex.bench.cluster;

/**
 * The machines tasks are placed on: {@code workers} identical workers, each with {@code lanes}
 * executor lanes (one core each, the unit the cost model is calibrated in) and {@code memoryBytes}
 * for models.
 *
 * @param runtimeBytes what each worker process holds before any model (the PyTorch runtime)
 * @param copyOverhead a loaded backbone's resident bytes over its fp32 weight bytes (allocator
 *     slack, the encoder's buffers), measured on this machine
 * @param concurrentSlowdown how much longer a batch takes while another lane of the same worker
 *     runs one (shared caches and memory bandwidth), measured on this machine
 * @param targetUtilization the share of a lane's time placement may plan to fill; the rest absorbs
 *     Poisson bursts
 */
record Cluster(
        int workers,
        int lanes,
        long memoryBytes,
        long runtimeBytes,
        double copyOverhead,
        double concurrentSlowdown,
        double targetUtilization) {

    /** Resident bytes of one loaded copy of {@code backbone}. */
    long copyBytes(BackboneProfile backbone) {
        return (long) (backbone.weightBytes() * copyOverhead);
    }
}
