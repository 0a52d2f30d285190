/**
 * Versions and deployment: uploading a new version (validated on a worker before anything is
 * stored), deploying vFMs when they are created and when the control plane starts.
 */
package dev.fmplex.control.lifecycle;
