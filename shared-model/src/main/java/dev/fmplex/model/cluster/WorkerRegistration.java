package dev.fmplex.model.cluster;

import dev.fmplex.model.backbone.BackboneDescriptor;
import java.util.List;

/**
 * What a worker tells the control plane when it (re)joins.
 *
 * @param address base URL the control plane reaches it at, e.g. {@code http://10.0.0.7:8081}
 * @param memoryBudgetBytes what its backbones and vFM versions together may use
 * @param backbones the backbones it has loaded
 */
public record WorkerRegistration(
        String address, long memoryBudgetBytes, List<BackboneDescriptor> backbones) {}
