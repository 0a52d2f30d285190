/** Entry point of the control plane as a process of its own. */
package dev.fmplex.controlplane;
