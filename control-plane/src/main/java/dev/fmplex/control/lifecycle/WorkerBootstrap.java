package dev.fmplex.control.lifecycle;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.routing.BackboneSource;
import dev.fmplex.control.routing.WorkerGateway;
import java.util.List;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * While the context starts, before the HTTP server accepts its first request: registers the
 * workers' backbones in the catalog, then deploys every serving vFM from its stored version, so a
 * restart serves exactly what was serving before.
 */
@Component
class WorkerBootstrap implements InitializingBean {

    private final List<BackboneSource> sources;
    private final CatalogService catalog;
    private final DeploymentService deployments;
    private final WorkerGateway gateway;

    WorkerBootstrap(
            List<BackboneSource> sources,
            CatalogService catalog,
            DeploymentService deployments,
            WorkerGateway gateway) {
        this.sources = sources;
        this.catalog = catalog;
        this.deployments = deployments;
        this.gateway = gateway;
    }

    @Override
    public void afterPropertiesSet() {
        for (BackboneSource source : sources) {
            catalog.registerBackbones(source.loadedBackbones());
        }
        if (!gateway.placesItself()) {
            deployments.deployAll();
        }
    }
}
