/**
 * The serving comparison of issue 6: the same tasks and the same open-loop workload served by
 * FMplex (one shared backbone, fair batching across vFMs), by best-effort co-location (one full
 * backbone instance per task, all sharing the CPU) and by spatial partitioning (one instance per
 * task on a static share of the cores), measured side by side in one run.
 */
package dev.fmplex.bench.serving;
