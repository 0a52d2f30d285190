package dev.fmplex.control.catalog;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface VersionRepository extends JpaRepository<VfmVersionEntity, VfmVersionEntity.Key> {

    @Query("select v from VfmVersionEntity v where v.key.vfmId = ?1 order by v.key.version")
    List<VfmVersionEntity> findVersions(UUID vfmId);
}
