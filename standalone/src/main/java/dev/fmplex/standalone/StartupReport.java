package dev.fmplex.standalone;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.worker.inference.BackboneHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says, once the server is up, where it listens, where its data lives and what it serves. */
@Component
class StartupReport {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final StandaloneProperties properties;
    private final BackboneHost host;
    private final CatalogService catalog;

    StartupReport(StandaloneProperties properties, BackboneHost host, CatalogService catalog) {
        this.properties = properties;
        this.host = host;
        this.catalog = catalog;
    }

    @EventListener
    void onReady(ApplicationReadyEvent event) {
        int port =
                event.getApplicationContext() instanceof WebServerApplicationContext web
                        ? web.getWebServer().getPort()
                        : -1;
        log.info(
                "FMplex standalone ready on http://localhost:{} | data: {} | backbones: {} | vFMs"
                        + " in catalog: {}",
                port,
                properties.dataDir().toAbsolutePath(),
                host.descriptors().stream().map(d -> d.name()).toList(),
                catalog.list().size());
    }
}
