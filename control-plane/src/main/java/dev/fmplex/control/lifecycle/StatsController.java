package dev.fmplex.control.lifecycle;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.security.Caller;
import dev.fmplex.control.security.Tenants;
import dev.fmplex.control.telemetry.TrafficRecorder;
import dev.fmplex.model.api.StatsOverview;
import dev.fmplex.model.api.VfmStats;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /stats}: the serving statistics of every vFM a caller sees in one call, for a
 * dashboard that refreshes them every few seconds, and their traffic added up.
 */
@Tag(name = "vfms")
@RestController
class StatsController {

    private final CatalogService catalog;
    private final DeploymentService deployments;
    private final Tenants tenants;
    private final TrafficRecorder traffic;

    StatsController(
            CatalogService catalog,
            DeploymentService deployments,
            Tenants tenants,
            TrafficRecorder traffic) {
        this.catalog = catalog;
        this.deployments = deployments;
        this.tenants = tenants;
        this.traffic = traffic;
    }

    @Operation(
            operationId = "getStats",
            summary =
                    "Serving statistics of every vFM the caller sees (the admin: all, or one"
                            + " tenant's), with their traffic over the last minute added up")
    @GetMapping("/stats")
    Mono<StatsOverview> stats(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @RequestParam(required = false) String tenant) {
        return Blocking.call(
                () -> {
                    String only = tenants.listedBy(caller, tenant);
                    List<VfmView> listed = only == null ? catalog.list() : catalog.list(only);
                    List<VfmStats> stats = deployments.stats(listed);
                    return new StatsOverview(
                            traffic.summary(listed.stream().map(VfmView::id).toList()), stats);
                });
    }
}
