/**
 * Who may call a worker: only holders of the cluster secret (the control plane, which routes every
 * client request), plus an optional metrics token for Prometheus. Health stays open for probes.
 */
package dev.fmplex.worker.security;
