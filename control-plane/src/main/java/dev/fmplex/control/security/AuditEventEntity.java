package dev.fmplex.control.security;

import dev.fmplex.model.api.AuditEventView;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "audit_events")
class AuditEventEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private Instant at;

    @Column(name = "key_id", nullable = false)
    private String keyId;

    private String tenant;

    @Column(nullable = false)
    private String method;

    @Column(nullable = false)
    private String path;

    @Column(nullable = false)
    private int status;

    protected AuditEventEntity() {}

    AuditEventEntity(
            Instant at, String keyId, String tenant, String method, String path, int status) {
        this.at = at;
        this.keyId = keyId;
        this.tenant = tenant;
        this.method = method;
        this.path = path;
        this.status = status;
    }

    AuditEventView toView() {
        return new AuditEventView(id, at, keyId, tenant, method, path, status);
    }
}
