package dev.fmplex.control.catalog;

import dev.fmplex.model.vfm.VfmState;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A stored vFM definition. The task and quota are kept as the JSON the API speaks, so a stored vFM
 * reads back exactly as it was accepted.
 */
@Entity
@Table(name = "vfms")
class VfmEntity {

    @Id private UUID id;

    @Column(nullable = false, updatable = false)
    private String tenant;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String backbone;

    @Column(nullable = false)
    private int version;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private VfmState state;

    @Column(nullable = false)
    private double weight;

    @Column(name = "task", nullable = false, columnDefinition = "text")
    private String taskJson;

    @Column(name = "quota", columnDefinition = "text")
    private String quotaJson;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @jakarta.persistence.Version
    @Column(name = "row_version", nullable = false)
    private long rowVersion;

    protected VfmEntity() {}

    VfmEntity(
            UUID id,
            String tenant,
            String name,
            String backbone,
            double weight,
            String taskJson,
            String quotaJson,
            int version,
            VfmState state,
            Instant now) {
        this.id = id;
        this.tenant = tenant;
        this.name = name;
        this.backbone = backbone;
        this.version = version;
        this.weight = weight;
        this.taskJson = taskJson;
        this.quotaJson = quotaJson;
        this.state = state;
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** Makes {@code newVersion} the vFM's serving version; a paused vFM stays paused. */
    void activate(int newVersion, Instant now) {
        this.version = newVersion;
        this.state = state == VfmState.PAUSED ? VfmState.PAUSED : VfmState.ACTIVE;
        this.updatedAt = now;
    }

    void moveTo(VfmState newState, Instant now) {
        this.state = newState;
        this.updatedAt = now;
    }

    void update(Double newWeight, String newQuotaJson, boolean quotaGiven, Instant now) {
        if (newWeight != null) {
            this.weight = newWeight;
        }
        if (quotaGiven) {
            this.quotaJson = newQuotaJson;
        }
        this.updatedAt = now;
    }

    void fail(Instant now) {
        this.state = VfmState.FAILED;
        this.updatedAt = now;
    }

    UUID id() {
        return id;
    }

    String tenant() {
        return tenant;
    }

    String name() {
        return name;
    }

    String backbone() {
        return backbone;
    }

    int version() {
        return version;
    }

    VfmState state() {
        return state;
    }

    double weight() {
        return weight;
    }

    String taskJson() {
        return taskJson;
    }

    String quotaJson() {
        return quotaJson;
    }

    Instant createdAt() {
        return createdAt;
    }
}
