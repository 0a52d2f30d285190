package dev.fmplex.control.catalog;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface VfmRepository extends JpaRepository<VfmEntity, UUID> {

    boolean existsByName(String name);

    List<VfmEntity> findAllByOrderByCreatedAtAsc();
}
