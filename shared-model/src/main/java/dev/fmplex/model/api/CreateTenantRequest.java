package dev.fmplex.model.api;

/**
 * Body of {@code POST /tenants}.
 *
 * @param name a plain identifier: a lower-case letter, then up to 62 lower-case letters, digits or
 *     '-'
 * @param requestsPerSecond default per-key request rate, &gt; 0, or null for none
 * @param inputsPerSecond default per-key input rate, &gt; 0, or null for none
 */
public record CreateTenantRequest(String name, Double requestsPerSecond, Double inputsPerSecond) {}
