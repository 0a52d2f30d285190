/** vFM identity, lifecycle states and quotas. */
package dev.fmplex.model.vfm;
