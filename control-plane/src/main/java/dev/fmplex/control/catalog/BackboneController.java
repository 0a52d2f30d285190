package dev.fmplex.control.catalog;

import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@Tag(name = "backbones", description = "The shared backbones workers have loaded")
@RestController
class BackboneController {

    private final CatalogService catalog;

    BackboneController(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Operation(operationId = "listBackbones", summary = "List the backbones")
    @GetMapping("/backbones")
    Mono<List<BackboneDescriptor>> list() {
        return Blocking.call(catalog::backbones);
    }
}
