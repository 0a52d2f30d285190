package dev.fmplex.control.catalog;

import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.web.Blocking;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class BackboneController {

    private final CatalogService catalog;

    BackboneController(CatalogService catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/backbones")
    Mono<List<BackboneDescriptor>> list() {
        return Blocking.call(catalog::backbones);
    }
}
