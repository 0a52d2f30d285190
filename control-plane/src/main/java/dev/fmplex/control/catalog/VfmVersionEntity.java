package dev.fmplex.control.catalog;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** One accepted version of a vFM. */
@Entity
@Table(name = "vfm_versions")
class VfmVersionEntity {

    @Embeddable
    record Key(@Column(name = "vfm_id") UUID vfmId, @Column(name = "version") int version)
            implements Serializable {}

    @EmbeddedId private Key key;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected VfmVersionEntity() {}

    int version() {
        return key.version();
    }

    Instant createdAt() {
        return createdAt;
    }

    VfmVersionEntity(UUID vfmId, int version, Instant createdAt) {
        this.key = new Key(vfmId, version);
        this.createdAt = createdAt;
    }
}
