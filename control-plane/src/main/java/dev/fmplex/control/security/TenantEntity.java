package dev.fmplex.control.security;

import dev.fmplex.model.api.TenantView;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "tenants")
class TenantEntity {

    @Id private String name;

    @Column(name = "requests_per_second")
    private Double requestsPerSecond;

    @Column(name = "inputs_per_second")
    private Double inputsPerSecond;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected TenantEntity() {}

    TenantEntity(String name, Double requestsPerSecond, Double inputsPerSecond, Instant now) {
        this.name = name;
        this.requestsPerSecond = requestsPerSecond;
        this.inputsPerSecond = inputsPerSecond;
        this.createdAt = now;
    }

    String name() {
        return name;
    }

    Double requestsPerSecond() {
        return requestsPerSecond;
    }

    Double inputsPerSecond() {
        return inputsPerSecond;
    }

    void limits(Double requestsPerSecond, Double inputsPerSecond) {
        this.requestsPerSecond = requestsPerSecond;
        this.inputsPerSecond = inputsPerSecond;
    }

    TenantView toView() {
        return new TenantView(name, requestsPerSecond, inputsPerSecond, createdAt);
    }
}
