package dev.fmplex.control.catalog;

import org.springframework.data.jpa.repository.JpaRepository;

interface BackboneRepository extends JpaRepository<BackboneEntity, String> {}
