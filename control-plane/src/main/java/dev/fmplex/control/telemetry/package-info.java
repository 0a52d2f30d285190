/**
 * What clients experience, per vFM: every request the control plane routes is recorded with its
 * outcome, latency and batch composition in a ring of short intervals per vFM ({@link
 * dev.fmplex.control.telemetry.TrafficRecorder}), which {@code GET /vfms/{id}/history} and the
 * traffic summaries of {@code GET /vfms/{id}/stats} and {@code GET /stats} read. In memory only:
 * the history is for watching, Prometheus is for keeping.
 */
package dev.fmplex.control.telemetry;
