/**
 * The wire contract between workers and the control plane: registration, heartbeats, placements.
 */
package dev.fmplex.model.cluster;
