package dev.fmplex.control.lifecycle;

import dev.fmplex.model.api.LifecycleEventView;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One audited lifecycle transition; written in the same transaction as the change itself. */
@Entity
@Table(name = "lifecycle_events")
class LifecycleEventEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "vfm_id", nullable = false)
    private UUID vfmId;

    @Column(name = "vfm_name", nullable = false)
    private String vfmName;

    @Column(nullable = false)
    private String action;

    @Column(name = "from_state")
    private String fromState;

    @Column(name = "to_state", nullable = false)
    private String toState;

    @Column(nullable = false)
    private int version;

    @Column(name = "api_call", nullable = false)
    private String apiCall;

    @Column(columnDefinition = "text")
    private String detail;

    @Column(nullable = false)
    private Instant at;

    protected LifecycleEventEntity() {}

    LifecycleEventEntity(
            UUID vfmId,
            String vfmName,
            String action,
            String fromState,
            String toState,
            int version,
            String apiCall,
            String detail,
            Instant at) {
        this.vfmId = vfmId;
        this.vfmName = vfmName;
        this.action = action;
        this.fromState = fromState;
        this.toState = toState;
        this.version = version;
        this.apiCall = apiCall;
        this.detail = detail;
        this.at = at;
    }

    LifecycleEventView toView() {
        return new LifecycleEventView(id, action, fromState, toState, version, apiCall, detail, at);
    }
}
