package dev.fmplex.control.catalog;

import dev.fmplex.model.api.VersionView;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.UUID;

/** One uploaded file of a vFM version, kept with its checksum so it can be deployed again. */
@Entity
@Table(name = "vfm_artifacts")
class ArtifactEntity {

    @Embeddable
    record Key(
            @Column(name = "vfm_id") UUID vfmId,
            @Column(name = "version") int version,
            @Column(name = "file_name") String fileName)
            implements Serializable {}

    @EmbeddedId private Key key;

    @Column(nullable = false)
    private byte[] content;

    @Column(nullable = false, length = 64)
    private String sha256;

    @Column(name = "size_bytes", nullable = false)
    private long sizeBytes;

    protected ArtifactEntity() {}

    ArtifactEntity(UUID vfmId, int version, String fileName, byte[] content, String sha256) {
        this.key = new Key(vfmId, version, fileName);
        this.content = content;
        this.sha256 = sha256;
        this.sizeBytes = content.length;
    }

    String fileName() {
        return key.fileName();
    }

    byte[] content() {
        return content;
    }

    int version() {
        return key.version();
    }

    VersionView.ArtifactView toView() {
        return new VersionView.ArtifactView(key.fileName(), sizeBytes, sha256);
    }
}
