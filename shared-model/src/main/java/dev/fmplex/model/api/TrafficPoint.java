package dev.fmplex.model.api;

import java.time.Instant;

/**
 * One interval of a vFM's {@link VfmHistory}: the requests that finished in it.
 *
 * @param at the start of the interval
 * @param requests requests answered successfully
 * @param rejected 429s (queue full, rate limit)
 * @param timeouts 504s
 * @param invalid other 4xx
 * @param errors 5xx
 * @param p50Ms median latency of the successful requests, {@code null} when there were none
 * @param p99Ms 99th percentile latency of the successful requests, {@code null} when none
 * @param rows inputs of the successful requests
 * @param meanBatchTasks mean number of vFMs in the batches those requests ran in, {@code null} when
 *     none
 * @param maxBatchTasks the most vFMs any of those batches held (0 when none)
 */
public record TrafficPoint(
        Instant at,
        long requests,
        long rejected,
        long timeouts,
        long invalid,
        long errors,
        Double p50Ms,
        Double p99Ms,
        long rows,
        Double meanBatchTasks,
        int maxBatchTasks) {}
