package dev.fmplex.control.security;

import java.time.Instant;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface ApiKeyRepository extends JpaRepository<ApiKeyEntity, String> {

    List<ApiKeyEntity> findAllByOrderByCreatedAtAsc();

    List<ApiKeyEntity> findAllByTenantOrderByCreatedAtAsc(String tenant);

    @Query(
            "select count(k) from ApiKeyEntity k where k.scope = 'admin' and k.revokedAt is null"
                    + " and (k.expiresAt is null or k.expiresAt > ?1)")
    long countUsableAdminKeys(Instant now);

    @Modifying
    @Query(
            "update ApiKeyEntity k set k.lastUsedAt = ?2 where k.id = ?1 and (k.lastUsedAt is null"
                    + " or k.lastUsedAt < ?2)")
    int touch(String id, Instant at);
}
