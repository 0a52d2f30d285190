/**
 * Cross-cutting web concerns of the control plane: the one place failures become RFC 9457 problem
 * documents, and the bridge from the event loop to blocking work.
 */
package dev.fmplex.control.api;
