package dev.fmplex.model.api;

import java.time.Instant;

/**
 * One mutating call: who (key and tenant), what (method and path) and how it ended (status).
 *
 * @param tenant the calling key's tenant; null for admin keys
 */
public record AuditEventView(
        long id, Instant at, String keyId, String tenant, String method, String path, int status) {}
