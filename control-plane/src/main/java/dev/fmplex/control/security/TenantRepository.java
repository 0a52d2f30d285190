package dev.fmplex.control.security;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface TenantRepository extends JpaRepository<TenantEntity, String> {

    List<TenantEntity> findAllByOrderByNameAsc();
}
