package dev.fmplex.control.cluster;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface WorkerRepository extends JpaRepository<WorkerEntity, UUID> {

    Optional<WorkerEntity> findByAddress(String address);

    List<WorkerEntity> findByState(String state);
}
