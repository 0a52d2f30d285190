/**
 * The FMplex domain and wire contract, shared by the engine, the worker and the control plane.
 *
 * <p>Plain Java records and validation only: no Spring and no DJL, so that the control plane can
 * depend on it without loading a tensor library.
 */
package dev.fmplex.model;
