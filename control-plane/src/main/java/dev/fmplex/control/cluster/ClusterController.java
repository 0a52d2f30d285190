package dev.fmplex.control.cluster;

import dev.fmplex.model.cluster.RegistrationReply;
import dev.fmplex.model.cluster.WorkerRegistration;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Worker registration and heartbeats ({@code GET /workers} is the routing package's). */
@Tag(name = "cluster")
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
}
