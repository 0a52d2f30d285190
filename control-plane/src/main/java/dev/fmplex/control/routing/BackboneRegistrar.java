package dev.fmplex.control.routing;

import dev.fmplex.control.catalog.CatalogService;
import java.util.List;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Registers the workers' backbones in the catalog while the context starts, before the HTTP server
 * accepts its first request.
 */
@Component
class BackboneRegistrar implements InitializingBean {

    private final List<BackboneSource> sources;
    private final CatalogService catalog;

    BackboneRegistrar(List<BackboneSource> sources, CatalogService catalog) {
        this.sources = sources;
        this.catalog = catalog;
    }

    @Override
    public void afterPropertiesSet() {
        for (BackboneSource source : sources) {
            catalog.registerBackbones(source.loadedBackbones());
        }
    }
}
