package dev.fmplex.control.catalog;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ArtifactRepository extends JpaRepository<ArtifactEntity, ArtifactEntity.Key> {

    @Query("select a from ArtifactEntity a where a.key.vfmId = ?1 and a.key.version = ?2")
    List<ArtifactEntity> findVersion(UUID vfmId, int version);

    @Query(
            "select a from ArtifactEntity a where a.key.vfmId = ?1 order by a.key.version, a.key.fileName")
    List<ArtifactEntity> findAllOf(UUID vfmId);
}
