package dev.fmplex.control.catalog;

import dev.fmplex.control.lifecycle.DeploymentService;
import dev.fmplex.model.api.CreateVfmRequest;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.web.Blocking;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class VfmController {

    private final CatalogService catalog;
    private final DeploymentService deployments;

    VfmController(CatalogService catalog, DeploymentService deployments) {
        this.catalog = catalog;
        this.deployments = deployments;
    }

    @PostMapping("/vfms")
    Mono<ResponseEntity<VfmView>> create(@RequestBody CreateVfmRequest request) {
        return Blocking.call(() -> deployments.deployCreated(catalog.create(request)))
                .map(view -> ResponseEntity.created(URI.create("/vfms/" + view.id())).body(view));
    }

    @GetMapping("/vfms")
    Mono<List<VfmView>> list() {
        return Blocking.call(
                () -> catalog.list().stream().map(deployments::withResidency).toList());
    }

    @GetMapping("/vfms/{id}")
    Mono<VfmView> get(@PathVariable String id) {
        return Blocking.call(() -> deployments.withResidency(catalog.get(id)));
    }
}
