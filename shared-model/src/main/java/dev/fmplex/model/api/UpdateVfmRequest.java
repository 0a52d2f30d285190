package dev.fmplex.model.api;

import dev.fmplex.model.vfm.Quota;

/**
 * Body of {@code PATCH /vfms/{id}}: only the fields present change.
 *
 * @param weight new fair-share weight, in (0, 1000]
 * @param quota new per-vFM limits (replaces the old quota)
 */
public record UpdateVfmRequest(Double weight, Quota quota) {}
