/**
 * Which version of each vFM a backbone serves right now. Versions are installed, replaced and
 * unloaded at run time with an atomic swap; batches hold a reference to the version they run, so
 * nothing pauses and a request finishes on the version it started on.
 */
package dev.fmplex.engine.registry;
