/**
 * FMplex in one process: the control plane, an in-process worker hosting the bundled backbone, and
 * an embedded PostgreSQL whose data directory survives restarts.
 */
package dev.fmplex.standalone;
