package dev.fmplex.standalone;

import dev.fmplex.control.routing.WorkerDirectory;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.cluster.PlacementView;
import dev.fmplex.model.cluster.WorkerView;
import dev.fmplex.worker.inference.BackboneHost;
import dev.fmplex.worker.inference.VfmDeployments;
import dev.fmplex.worker.inference.WorkerProperties;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The standalone server's one worker, as {@code GET /workers} and {@code GET /placements} show a
 * cluster's: always alive (it is this process), its memory used counted as distributed mode counts
 * it (backbones once, plus every loaded vFM's own tensors).
 */
@Component
class InProcessWorkerDirectory implements WorkerDirectory {

    /** The worker's id and address: it has no network address of its own. */
    static final String IN_PROCESS = "in-process";

    private final VfmDeployments deployments;
    private final BackboneHost host;
    private final WorkerProperties properties;

    InProcessWorkerDirectory(
            VfmDeployments deployments, BackboneHost host, WorkerProperties properties) {
        this.deployments = deployments;
        this.host = host;
        this.properties = properties;
    }

    @Override
    public List<WorkerView> workers() {
        List<BackboneDescriptor> backbones = host.descriptors();
        List<VfmDeployments.Loaded> loaded = deployments.loaded();
        long used =
                backbones.stream().mapToLong(BackboneDescriptor::parameterBytes).sum()
                        + loaded.stream().mapToLong(VfmDeployments.Loaded::residentBytes).sum();
        return List.of(
                new WorkerView(
                        IN_PROCESS,
                        IN_PROCESS,
                        "ALIVE",
                        properties.memoryBudget().toBytes(),
                        used,
                        backbones.stream().map(BackboneDescriptor::name).toList(),
                        loaded.size(),
                        Instant.now()));
    }

    @Override
    public List<PlacementView> placements() {
        return deployments.loaded().stream()
                .map(
                        l ->
                                new PlacementView(
                                        l.deployment().vfmId(),
                                        IN_PROCESS,
                                        IN_PROCESS,
                                        l.deployment().version(),
                                        l.residentBytes(),
                                        l.loadedAt()))
                .toList();
    }
}
