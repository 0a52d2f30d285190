package dev.fmplex.control.cluster;

import dev.fmplex.model.cluster.PlacementView;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** One vFM version held by one worker. */
@Entity
@Table(name = "placements")
class PlacementEntity {

    @Embeddable
    record Key(@Column(name = "vfm_id") UUID vfmId, @Column(name = "worker_id") UUID workerId)
            implements Serializable {}

    @EmbeddedId private Key key;

    @Column(nullable = false)
    private int version;

    @Column(name = "resident_bytes", nullable = false)
    private long residentBytes;

    @Column(name = "placed_at", nullable = false)
    private Instant placedAt;

    protected PlacementEntity() {}

    PlacementEntity(UUID vfmId, UUID workerId, int version, long residentBytes, Instant now) {
        this.key = new Key(vfmId, workerId);
        this.version = version;
        this.residentBytes = residentBytes;
        this.placedAt = now;
    }

    UUID vfmId() {
        return key.vfmId();
    }

    UUID workerId() {
        return key.workerId();
    }

    int version() {
        return version;
    }

    long residentBytes() {
        return residentBytes;
    }

    PlacementView toView(String address) {
        return new PlacementView(
                key.vfmId().toString(),
                key.workerId().toString(),
                address,
                version,
                residentBytes,
                placedAt);
    }
}
