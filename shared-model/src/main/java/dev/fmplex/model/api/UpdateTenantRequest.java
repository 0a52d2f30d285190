package dev.fmplex.model.api;

/**
 * Body of {@code PATCH /tenants/{name}}: the default per-key rate limits; a member left out is
 * kept, {@code 0} removes the limit.
 */
public record UpdateTenantRequest(Double requestsPerSecond, Double inputsPerSecond) {}
