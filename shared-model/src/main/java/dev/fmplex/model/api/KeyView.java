package dev.fmplex.model.api;

import java.time.Instant;
import java.util.List;

/**
 * An API key as listings show it: never the key itself, which is returned once, by {@code POST
 * /keys} ({@link NewKey}).
 *
 * @param id the public id, also the key's visible prefix ({@code fmp_<id>_...})
 * @param createdBy the id of the key that created this one; null for the bootstrap key
 * @param lastUsedAt when the key last authenticated a request, to within a minute
 */
public record KeyView(
        String id,
        String name,
        String scope,
        String tenant,
        List<String> vfms,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt,
        Double requestsPerSecond,
        Double inputsPerSecond,
        String createdBy) {}
