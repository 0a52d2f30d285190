package dev.fmplex.control.training;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One training job's record: what it was asked, where it got, what it made. */
@Entity
@Table(name = "training_jobs")
class TrainingJobEntity {

    static final String QUEUED = "QUEUED";
    static final String RUNNING = "RUNNING";
    static final String SUCCEEDED = "SUCCEEDED";
    static final String FAILED = "FAILED";
    static final String CANCELLED = "CANCELLED";

    @Id private UUID id;

    @Column(name = "vfm_id", nullable = false)
    private UUID vfmId;

    @Column(nullable = false)
    private String recipe;

    @Column(nullable = false)
    private String state;

    @Column(nullable = false)
    private int examples;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    private Integer version;

    @Column(columnDefinition = "text")
    private String report;

    @Column(columnDefinition = "text")
    private String error;

    protected TrainingJobEntity() {}

    TrainingJobEntity(UUID id, UUID vfmId, String recipe, int examples, Instant createdAt) {
        this.id = id;
        this.vfmId = vfmId;
        this.recipe = recipe;
        this.state = QUEUED;
        this.examples = examples;
        this.createdAt = createdAt;
    }

    UUID id() {
        return id;
    }

    UUID vfmId() {
        return vfmId;
    }

    String recipe() {
        return recipe;
    }

    String state() {
        return state;
    }

    int examples() {
        return examples;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant startedAt() {
        return startedAt;
    }

    Instant finishedAt() {
        return finishedAt;
    }

    Integer version() {
        return version;
    }

    String report() {
        return report;
    }

    String error() {
        return error;
    }

    boolean finished() {
        return state.equals(SUCCEEDED) || state.equals(FAILED) || state.equals(CANCELLED);
    }

    void started(Instant at) {
        state = RUNNING;
        startedAt = at;
    }

    void succeeded(int newVersion, String reportJson, Instant at) {
        state = SUCCEEDED;
        version = newVersion;
        report = reportJson;
        finishedAt = at;
    }

    void ended(String endState, String why, Instant at) {
        state = endState;
        error = why;
        finishedAt = at;
    }
}
