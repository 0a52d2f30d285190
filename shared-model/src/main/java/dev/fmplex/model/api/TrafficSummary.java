package dev.fmplex.model.api;

/**
 * A vFM's (or a tenant's, or the platform's) requests over a recent window, as the control plane
 * that routed them saw them: what clients experienced, queueing, routing and the network to a
 * worker included.
 *
 * @param windowSeconds the window the numbers cover, ending now: the last minute's 2 s intervals,
 *     the newest still filling (58-60 s)
 * @param requests requests answered successfully in the window
 * @param requestsPerSecond {@code requests} over the window
 * @param rejected requests refused with 429 (queue full, rate limit)
 * @param timeouts requests that ran past their deadline (504)
 * @param invalid requests refused for their content (other 4xx)
 * @param errors requests that failed on the server's side (5xx)
 * @param p50Ms median latency of the successful requests, {@code null} when there were none
 * @param p99Ms 99th percentile latency of the successful requests, {@code null} when none
 * @param meanBatchTasks the mean number of vFMs in the batches the successful requests ran in (1:
 *     alone, higher: sharing the backbone pass), {@code null} when none
 */
public record TrafficSummary(
        double windowSeconds,
        long requests,
        double requestsPerSecond,
        long rejected,
        long timeouts,
        long invalid,
        long errors,
        Double p50Ms,
        Double p99Ms,
        Double meanBatchTasks) {}
