package dev.fmplex.control.routing;

import dev.fmplex.model.cluster.PlacementView;
import dev.fmplex.model.cluster.WorkerView;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /workers} and {@code GET /placements}, in either mode (admin only). */
@Tag(name = "cluster", description = "Workers and placements")
@RestController
class WorkersController {

    private final WorkerDirectory directory;

    WorkersController(WorkerDirectory directory) {
        this.directory = directory;
    }

    @Operation(
            operationId = "listWorkers",
            summary = "List the workers, their memory use, backbones and last heartbeat")
    @GetMapping("/workers")
    Mono<List<WorkerView>> workers() {
        return Blocking.call(directory::workers);
    }

    @Operation(operationId = "listPlacements", summary = "List which worker holds which vFM")
    @GetMapping("/placements")
    Mono<List<PlacementView>> placements() {
        return Blocking.call(directory::placements);
    }
}
