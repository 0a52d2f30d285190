package dev.fmplex.control.cluster;

import dev.fmplex.model.cluster.PlacementView;
import dev.fmplex.model.cluster.RegistrationReply;
import dev.fmplex.model.cluster.WorkerRegistration;
import dev.fmplex.model.cluster.WorkerView;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Worker registration and heartbeats, and what runs where. */
@Tag(name = "cluster", description = "Workers and placements (distributed mode)")
@RestController
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
class ClusterController {

    private final ClusterService cluster;

    ClusterController(ClusterService cluster) {
        this.cluster = cluster;
    }

    @Operation(operationId = "registerWorker", summary = "Register a worker (called by workers)")
    @PostMapping("/workers")
    Mono<RegistrationReply> register(@RequestBody WorkerRegistration registration) {
        return Blocking.call(() -> cluster.register(registration));
    }

    @Operation(
            operationId = "heartbeat",
            summary = "Heartbeat of a registered worker (called by workers)")
    @ApiResponse(responseCode = "204", description = "No content")
    @PostMapping("/workers/{id}/heartbeat")
    Mono<ResponseEntity<Void>> heartbeat(@PathVariable String id) {
        return Blocking.call(
                () -> {
                    cluster.heartbeat(id);
                    return ResponseEntity.noContent().<Void>build();
                });
    }

    @Operation(operationId = "listWorkers", summary = "List the workers and their memory use")
    @GetMapping("/workers")
    Mono<List<WorkerView>> workers() {
        return Blocking.call(cluster::workers);
    }

    @Operation(operationId = "listPlacements", summary = "List which worker hosts which vFM")
    @GetMapping("/placements")
    Mono<List<PlacementView>> placements() {
        return Blocking.call(cluster::placements);
    }
}
