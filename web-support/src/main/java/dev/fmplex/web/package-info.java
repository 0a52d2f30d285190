/**
 * Web concerns every FMplex process shares (control plane, worker, standalone): the one place
 * failures become RFC 9457 problem documents, and the bridge from the event loop to blocking work.
 */
package dev.fmplex.web;
