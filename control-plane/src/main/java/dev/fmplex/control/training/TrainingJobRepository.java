package dev.fmplex.control.training;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface TrainingJobRepository extends JpaRepository<TrainingJobEntity, UUID> {

    List<TrainingJobEntity> findByVfmIdOrderByCreatedAtAsc(UUID vfmId);

    List<TrainingJobEntity> findByStateIn(List<String> states);
}
