package dev.fmplex.model.api;

import java.util.List;

/**
 * {@code GET /stats}: every vFM the caller sees with its serving statistics, and the traffic of all
 * of them together.
 *
 * @param totals the listed vFMs' traffic over the stats window, latencies over all their requests
 */
public record StatsOverview(TrafficSummary totals, List<VfmStats> vfms) {}
