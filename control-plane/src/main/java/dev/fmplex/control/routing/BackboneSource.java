package dev.fmplex.control.routing;

import dev.fmplex.model.backbone.BackboneDescriptor;
import java.util.List;

/** The backbones the reachable workers have loaded, registered in the catalog at start. */
public interface BackboneSource {

    List<BackboneDescriptor> loadedBackbones();
}
