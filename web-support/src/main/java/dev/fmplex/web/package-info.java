/**
 * Web concerns every FMplex process shares (control plane, worker, standalone): the one place
 * failures become RFC 9457 problem documents (also when a filter answers before any controller),
 * the stateless security chain every process builds on with its 401/403 answers, and the bridge
 * from the event loop to blocking work.
 */
package dev.fmplex.web;
