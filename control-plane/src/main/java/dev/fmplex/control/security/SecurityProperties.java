package dev.fmplex.control.security;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code fmplex.security.*}.
 *
 * @param enabled false only for benchmarks that measure what authentication costs: every request
 *     then acts as the platform admin, and the server says so loudly at start
 * @param adminKey a bootstrap admin key chosen by the operator ({@code FMPLEX_ADMIN_KEY}), 32-256
 *     characters of {@code A-Z a-z 0-9 - . _ ~ + /}; set on every start, it stays valid
 * @param adminKeyFile where a generated bootstrap admin key is written (mode 0600) when no admin
 *     key exists; the standalone server uses {@code <data-dir>/admin.key}
 * @param keyHashSecret the secret keys are hashed under (HMAC-SHA-256); without one the control
 *     plane derives it from the cluster secret, the standalone server keeps one in its data dir
 * @param keyCacheTtl how long an authenticated key is trusted without reading the database again: a
 *     revocation made on another control plane takes at most this long
 */
@ConfigurationProperties("fmplex.security")
public record SecurityProperties(
        @DefaultValue("true") boolean enabled,
        String adminKey,
        Path adminKeyFile,
        String keyHashSecret,
        @DefaultValue("5s") Duration keyCacheTtl) {

    public SecurityProperties {
        if (keyCacheTtl.isNegative()) {
            throw new IllegalArgumentException(
                    "fmplex.security.key-cache-ttl must be >= 0, is " + keyCacheTtl);
        }
        if (adminKey != null && !adminKey.isEmpty() && !KeyFormat.isWellFormed(adminKey)) {
            throw new IllegalArgumentException(
                    "fmplex.security.admin-key (FMPLEX_ADMIN_KEY) must be "
                            + KeyFormat.RULE
                            + "; it has "
                            + adminKey.length()
                            + " characters");
        }
    }

    boolean hasAdminKey() {
        return adminKey != null && !adminKey.isEmpty();
    }
}
