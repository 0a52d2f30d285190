package dev.fmplex.control.cluster;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A registered worker; its backbones are kept as the JSON it reported. */
@Entity
@Table(name = "workers")
class WorkerEntity {

    static final String ALIVE = "ALIVE";
    static final String DEAD = "DEAD";

    @Id private UUID id;

    @Column(nullable = false, unique = true)
    private String address;

    @Column(name = "memory_budget_bytes", nullable = false)
    private long memoryBudgetBytes;

    @Column(nullable = false, columnDefinition = "text")
    private String backbones;

    @Column(nullable = false)
    private String state;

    @Column(name = "registered_at", nullable = false)
    private Instant registeredAt;

    @Column(name = "last_heartbeat", nullable = false)
    private Instant lastHeartbeat;

    protected WorkerEntity() {}

    WorkerEntity(UUID id, String address, Instant now) {
        this.id = id;
        this.address = address;
        this.registeredAt = now;
        this.lastHeartbeat = now;
        this.state = ALIVE;
    }

    void join(long budget, String backbonesJson, Instant now) {
        this.memoryBudgetBytes = budget;
        this.backbones = backbonesJson;
        this.state = ALIVE;
        this.lastHeartbeat = now;
    }

    void beat(Instant now) {
        this.lastHeartbeat = now;
    }

    void die() {
        this.state = DEAD;
    }

    UUID id() {
        return id;
    }

    String address() {
        return address;
    }

    long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    String backbonesJson() {
        return backbones;
    }

    boolean alive() {
        return ALIVE.equals(state);
    }

    String state() {
        return state;
    }

    Instant lastHeartbeat() {
        return lastHeartbeat;
    }
}
