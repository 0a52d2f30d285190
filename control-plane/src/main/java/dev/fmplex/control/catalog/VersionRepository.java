package dev.fmplex.control.catalog;

import org.springframework.data.jpa.repository.JpaRepository;

interface VersionRepository extends JpaRepository<VfmVersionEntity, VfmVersionEntity.Key> {}
