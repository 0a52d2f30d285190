/**
 * How a worker process joins a control plane: it registers (address, memory budget, backbones) once
 * its port is known, heartbeats, and registers again whenever the control plane no longer knows it.
 * The control plane then pushes the vFM versions the worker should hold.
 */
package dev.fmplex.worker.cluster;
