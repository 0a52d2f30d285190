package dev.fmplex.model.api;

import java.time.Instant;
import java.util.List;

/**
 * Body of {@code POST /keys}.
 *
 * @param name what the key is for, 1-128 characters (shown in listings)
 * @param scope {@code admin}, {@code tenant-admin}, {@code infer} or {@code metrics}
 * @param tenant the key's tenant, for tenant-admin and infer keys; a tenant-admin key creates keys
 *     only in its own tenant and may leave it out
 * @param vfms for an infer key: the only vFMs it may call (of its tenant); null for all of them
 * @param expiresAt when the key stops working; null for never
 * @param requestsPerSecond this key's request rate limit; null for its tenant's default
 * @param inputsPerSecond this key's input rate limit (rows per second); null for its tenant's
 */
public record CreateKeyRequest(
        String name,
        String scope,
        String tenant,
        List<String> vfms,
        Instant expiresAt,
        Double requestsPerSecond,
        Double inputsPerSecond) {}
