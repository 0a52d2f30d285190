package dev.fmplex.control.security;

import dev.fmplex.model.api.KeyView;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** A stored API key: its public id, scope and limits, and only a keyed hash of the key. */
@Entity
@Table(name = "api_keys")
class ApiKeyEntity {

    @Id private String id;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String scope;

    private String tenant;

    /** Comma-separated vFM ids an infer key is limited to; null for its whole tenant. */
    @Column(columnDefinition = "text")
    private String vfms;

    @Column(name = "key_hash", nullable = false)
    private byte[] keyHash;

    @Column(name = "requests_per_second")
    private Double requestsPerSecond;

    @Column(name = "inputs_per_second")
    private Double inputsPerSecond;

    @Column(name = "created_by")
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    protected ApiKeyEntity() {}

    ApiKeyEntity(
            String id,
            String name,
            Scope scope,
            String tenant,
            List<String> vfms,
            byte[] keyHash,
            Double requestsPerSecond,
            Double inputsPerSecond,
            String createdBy,
            Instant expiresAt,
            Instant now) {
        this.id = id;
        this.name = name;
        this.scope = scope.wireName();
        this.tenant = tenant;
        this.vfms = vfms == null ? null : String.join(",", vfms);
        this.keyHash = keyHash;
        this.requestsPerSecond = requestsPerSecond;
        this.inputsPerSecond = inputsPerSecond;
        this.createdBy = createdBy;
        this.expiresAt = expiresAt;
        this.createdAt = now;
    }

    String id() {
        return id;
    }

    Scope scope() {
        return Scope.fromWire(scope, "scope");
    }

    String tenant() {
        return tenant;
    }

    List<String> vfms() {
        return vfms == null ? null : Arrays.asList(vfms.split(","));
    }

    byte[] keyHash() {
        return keyHash;
    }

    Double requestsPerSecond() {
        return requestsPerSecond;
    }

    Double inputsPerSecond() {
        return inputsPerSecond;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    Instant revokedAt() {
        return revokedAt;
    }

    void revoke(Instant now) {
        if (revokedAt == null) {
            revokedAt = now;
        }
    }

    /** The operator-chosen bootstrap key changed: the new one replaces it, valid again. */
    void replaceHash(byte[] newHash) {
        this.keyHash = newHash;
        this.revokedAt = null;
        this.expiresAt = null;
    }

    void usedAt(Instant at) {
        if (lastUsedAt == null || at.isAfter(lastUsedAt)) {
            lastUsedAt = at;
        }
    }

    KeyView toView() {
        return new KeyView(
                id,
                name,
                scope,
                tenant,
                vfms(),
                createdAt,
                expiresAt,
                revokedAt,
                lastUsedAt,
                requestsPerSecond,
                inputsPerSecond,
                createdBy);
    }
}
