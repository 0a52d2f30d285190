package dev.fmplex.model.api;

import java.time.Instant;

/**
 * A tenant: the owner of vFMs and keys.
 *
 * @param requestsPerSecond the default request rate of each of its keys (a key's own limit wins);
 *     null for none
 * @param inputsPerSecond the default input rate (rows per second) of each of its keys
 */
public record TenantView(
        String name, Double requestsPerSecond, Double inputsPerSecond, Instant createdAt) {}
