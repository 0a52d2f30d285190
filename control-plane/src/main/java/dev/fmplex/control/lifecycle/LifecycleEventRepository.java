package dev.fmplex.control.lifecycle;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface LifecycleEventRepository extends JpaRepository<LifecycleEventEntity, Long> {

    List<LifecycleEventEntity> findByVfmIdOrderByIdAsc(UUID vfmId);
}
