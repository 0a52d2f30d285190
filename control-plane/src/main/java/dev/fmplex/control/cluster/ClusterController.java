package dev.fmplex.control.cluster;

import dev.fmplex.model.cluster.PlacementView;
import dev.fmplex.model.cluster.RegistrationReply;
import dev.fmplex.model.cluster.WorkerRegistration;
import dev.fmplex.model.cluster.WorkerView;
import dev.fmplex.web.Blocking;
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
@RestController
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
class ClusterController {

    private final ClusterService cluster;

    ClusterController(ClusterService cluster) {
        this.cluster = cluster;
    }

    @PostMapping("/workers")
    Mono<RegistrationReply> register(@RequestBody WorkerRegistration registration) {
        return Blocking.call(() -> cluster.register(registration));
    }

    @PostMapping("/workers/{id}/heartbeat")
    Mono<ResponseEntity<Void>> heartbeat(@PathVariable String id) {
        return Blocking.call(
                () -> {
                    cluster.heartbeat(id);
                    return ResponseEntity.noContent().<Void>build();
                });
    }

    @GetMapping("/workers")
    Mono<List<WorkerView>> workers() {
        return Blocking.call(cluster::workers);
    }

    @GetMapping("/placements")
    Mono<List<PlacementView>> placements() {
        return Blocking.call(cluster::placements);
    }
}
