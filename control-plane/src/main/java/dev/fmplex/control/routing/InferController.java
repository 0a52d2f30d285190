package dev.fmplex.control.routing;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.web.Blocking;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /vfms/{id}/infer}: look the vFM up, then hand the request to a worker. */
@RestController
class InferController {

    private final CatalogService catalog;
    private final WorkerGateway gateway;

    InferController(CatalogService catalog, WorkerGateway gateway) {
        this.catalog = catalog;
        this.gateway = gateway;
    }

    @PostMapping("/vfms/{id}/infer")
    Mono<InferResponse> infer(@PathVariable String id, @RequestBody InferRequest request) {
        return Blocking.call(() -> catalog.servingDeployment(id))
                .flatMap(deployment -> gateway.infer(deployment, request));
    }
}
