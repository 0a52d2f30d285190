package dev.fmplex.model.api;

import java.time.Instant;
import java.util.List;

/** One stored version of a vFM with the files it was made from. */
public record VersionView(int version, Instant createdAt, List<ArtifactView> files) {

    /** One stored file: its name, size and SHA-256 (hex). */
    public record ArtifactView(String name, long sizeBytes, String sha256) {}
}
