/**
 * The life of a vFM: the state machine every change goes through ({@link
 * dev.fmplex.control.lifecycle.VfmLifecycle}) and its audit trail in {@code lifecycle_events}
 * ({@link dev.fmplex.control.lifecycle.LifecycleAudit}); putting versions on workers (uploads
 * validated on a worker before anything is stored, deploying vFMs when they are created and when
 * the control plane starts); and the {@code /vfms} endpoints that change vFMs. The definitions
 * themselves are the catalog's.
 */
package dev.fmplex.control.lifecycle;
