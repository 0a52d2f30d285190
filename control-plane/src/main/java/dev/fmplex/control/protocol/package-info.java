/**
 * The standard protocols' common ground: how a protocol's {@code model} names a vFM for a key
 * ({@link dev.fmplex.control.protocol.ModelDirectory}), what one protocol call runs ({@link
 * dev.fmplex.control.protocol.ProtocolInference}) and how native field names read in a protocol's
 * errors ({@link dev.fmplex.control.protocol.FieldRenaming}). Each protocol lives in its own
 * subpackage as a thin adapter that translates its request into the native {@code InferRequest} and
 * the native outputs into its reply; validation, limits, quotas, scheduling and metrics are the
 * native path's.
 */
package dev.fmplex.control.protocol;
