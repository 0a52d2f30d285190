package dev.fmplex.control.catalog;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface VfmRepository extends JpaRepository<VfmEntity, UUID> {

    boolean existsByTenantAndName(String tenant, String name);

    Optional<VfmEntity> findByTenantAndName(String tenant, String name);

    List<VfmEntity> findAllByOrderByCreatedAtAsc();

    List<VfmEntity> findAllByTenantOrderByCreatedAtAsc(String tenant);
}
