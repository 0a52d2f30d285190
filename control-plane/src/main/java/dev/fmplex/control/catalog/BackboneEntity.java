package dev.fmplex.control.catalog;

import dev.fmplex.model.backbone.BackboneDescriptor;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** A backbone some worker can serve, registered when a worker reports it. */
@Entity
@Table(name = "backbones")
class BackboneEntity {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Integer>> SHAPE = new TypeReference<>() {};

    @Id private String name;

    @Column(nullable = false)
    private String family;

    @Column(nullable = false)
    private String modality;

    @Column(name = "hidden_size", nullable = false)
    private int hiddenSize;

    @Column(nullable = false)
    private int layers;

    @Column(name = "parameter_bytes", nullable = false)
    private long parameterBytes;

    @Column(name = "max_input_tokens", nullable = false)
    private int maxInputTokens;

    /** {@link BackboneDescriptor#inputShape()} as a JSON object of integers. */
    @Column(name = "input_shape", nullable = false, columnDefinition = "text")
    private String inputShape;

    @Column(name = "registered_at", nullable = false)
    private Instant registeredAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected BackboneEntity() {}

    BackboneEntity(BackboneDescriptor descriptor, Instant now) {
        this.name = descriptor.name();
        this.registeredAt = now;
        update(descriptor, now);
    }

    void update(BackboneDescriptor descriptor, Instant now) {
        this.family = descriptor.family();
        this.modality = descriptor.modality();
        this.hiddenSize = descriptor.hiddenSize();
        this.layers = descriptor.layers();
        this.parameterBytes = descriptor.parameterBytes();
        this.maxInputTokens = descriptor.maxInputTokens();
        this.inputShape = JSON.writeValueAsString(descriptor.inputShape());
        this.updatedAt = now;
    }

    String name() {
        return name;
    }

    BackboneDescriptor toDescriptor() {
        return new BackboneDescriptor(
                name,
                family,
                modality,
                hiddenSize,
                layers,
                parameterBytes,
                maxInputTokens,
                JSON.readValue(inputShape, SHAPE));
    }
}
