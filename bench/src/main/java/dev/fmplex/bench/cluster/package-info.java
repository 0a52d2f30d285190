/**
 * Cluster-scale simulation (issue 6): how many tasks a cluster of workers hosts within their SLOs
 * under FMplex placement (one backbone per worker, many vFMs on it, batched together) against one
 * instance per task, for a trace of tasks over backbones of real sizes. Its per-batch cost model is
 * calibrated on batch times measured on this machine, and its calibration error is reported.
 */
package dev.fmplex.bench.cluster;
