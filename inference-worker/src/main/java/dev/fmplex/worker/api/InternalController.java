package dev.fmplex.worker.api;

import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.worker.inference.BackboneHost;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What a worker reports to the control plane about itself. */
@RestController
class InternalController {

    private final BackboneHost host;

    InternalController(BackboneHost host) {
        this.host = host;
    }

    @GetMapping("/internal/backbones")
    List<BackboneDescriptor> backbones() {
        return host.descriptors();
    }
}
