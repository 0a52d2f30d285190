package dev.fmplex.control.cluster;

import dev.fmplex.control.placement.Candidate;
import dev.fmplex.model.backbone.BackboneDescriptor;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a worker holds, from its registration and its placements: the memory accounting that
 * placement, the budget check of a new version and the worker list all read.
 */
@Component
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
class WorkerUsage {

    private final PlacementRepository placements;
    private final JsonMapper json;

    WorkerUsage(PlacementRepository placements, JsonMapper json) {
        this.placements = placements;
        this.json = json;
    }

    /**
     * The worker as the placement policy sees it; its load is the number of vFMs placed on it. Its
     * placements are read and its backbones parsed once for all three figures.
     */
    Candidate candidate(WorkerEntity worker) {
        List<BackboneDescriptor> hosted = backbones(worker);
        List<PlacementEntity> placed = placements.findByWorker(worker.id());
        return new Candidate(
                worker.id().toString(),
                worker.address(),
                worker.alive(),
                hosted.stream().map(BackboneDescriptor::name).collect(Collectors.toSet()),
                worker.memoryBudgetBytes(),
                used(hosted, placed),
                placed.size());
    }

    int placedVfms(WorkerEntity worker) {
        return placements.findByWorker(worker.id()).size();
    }

    /** What the vFM's current placement on this worker occupies (0 if none). */
    long placedBytes(WorkerEntity worker, UUID vfm) {
        return placements.findByWorker(worker.id()).stream()
                .filter(p -> p.vfmId().equals(vfm))
                .mapToLong(PlacementEntity::residentBytes)
                .sum();
    }

    /** Backbone bytes once each, plus the resident bytes of every vFM placed on the worker. */
    long used(WorkerEntity worker) {
        return used(backbones(worker), placements.findByWorker(worker.id()));
    }

    private static long used(List<BackboneDescriptor> hosted, List<PlacementEntity> placed) {
        return hosted.stream().mapToLong(BackboneDescriptor::parameterBytes).sum()
                + placed.stream().mapToLong(PlacementEntity::residentBytes).sum();
    }

    List<BackboneDescriptor> backbones(WorkerEntity worker) {
        return json.readValue(
                worker.backbonesJson(), new TypeReference<List<BackboneDescriptor>>() {});
    }
}
