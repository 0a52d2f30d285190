package dev.fmplex.control.cluster;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

interface PlacementRepository extends JpaRepository<PlacementEntity, PlacementEntity.Key> {

    @Query("select p from PlacementEntity p where p.key.vfmId = ?1")
    List<PlacementEntity> findByVfm(UUID vfmId);

    @Query("select p from PlacementEntity p where p.key.workerId = ?1")
    List<PlacementEntity> findByWorker(UUID workerId);

    @Modifying
    @Transactional
    @Query("delete from PlacementEntity p where p.key.vfmId = ?1")
    void deleteByVfm(UUID vfmId);
}
