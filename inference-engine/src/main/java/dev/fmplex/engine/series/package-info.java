/**
 * A time series as a family-neutral head sees it once prepared: scaled patches with the scaler's
 * statistics, so a forecast can be brought back to the input's units. Parsing and patching belong
 * to the time-series family that prepares it.
 */
package dev.fmplex.engine.series;
