package dev.fmplex.model.api;

/**
 * The answer to {@code POST /keys}: the only time the key itself is shown; the server keeps only a
 * keyed hash of it.
 *
 * @param key the bearer credential: send {@code Authorization: Bearer <key>}
 */
public record NewKey(String key, KeyView metadata) {}
