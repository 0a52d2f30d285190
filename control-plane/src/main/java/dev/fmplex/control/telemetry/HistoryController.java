package dev.fmplex.control.telemetry;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.model.api.VfmHistory;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /vfms/{id}/history}: what the charts of a vFM draw. */
@Tag(name = "vfms")
@RestController
class HistoryController {

    private final CatalogService catalog;
    private final TrafficRecorder traffic;

    HistoryController(CatalogService catalog, TrafficRecorder traffic) {
        this.catalog = catalog;
        this.traffic = traffic;
    }

    @Operation(
            operationId = "getVfmHistory",
            summary =
                    "The vFM's traffic over the last 5 minutes in 2 s intervals: requests by"
                            + " outcome, p50/p99 latency, rows and batch composition")
    @GetMapping("/vfms/{id}/history")
    Mono<VfmHistory> history(@PathVariable String id) {
        return Blocking.call(
                () -> {
                    catalog.get(id); // 404 for an id that is not a vFM
                    return traffic.history(id);
                });
    }
}
