package dev.fmplex.control.lifecycle;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.model.api.LifecycleEventView;
import dev.fmplex.model.api.UpdateVfmRequest;
import dev.fmplex.model.api.VersionView;
import dev.fmplex.model.api.VfmStats;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Lifecycle actions on one vFM, each checked against the state machine (an invalid transition is a
 * 409 naming the states that would allow it) and audited in {@code lifecycle_events}.
 */
@Tag(name = "vfms")
@RestController
class LifecycleController {

    private final DeploymentService deployments;
    private final CatalogService catalog;
    private final VfmLifecycle lifecycle;

    LifecycleController(
            DeploymentService deployments, CatalogService catalog, VfmLifecycle lifecycle) {
        this.deployments = deployments;
        this.catalog = catalog;
        this.lifecycle = lifecycle;
    }

    @Operation(
            operationId = "pauseVfm",
            summary = "Pause a vFM: new requests are refused, queued ones finish")
    @PostMapping("/vfms/{id}/pause")
    Mono<VfmView> pause(@PathVariable String id) {
        return Blocking.call(() -> deployments.pause(id));
    }

    @Operation(operationId = "resumeVfm", summary = "Resume a paused vFM")
    @PostMapping("/vfms/{id}/resume")
    Mono<VfmView> resume(@PathVariable String id) {
        return Blocking.call(() -> deployments.resume(id));
    }

    @Operation(operationId = "deployVfm", summary = "Deploy a vFM (again) on the workers")
    @PostMapping("/vfms/{id}/deploy")
    Mono<VfmView> deploy(@PathVariable String id) {
        return Blocking.call(() -> deployments.deploy(id));
    }

    @Operation(operationId = "updateVfm", summary = "Change the weight or quota of a vFM")
    @PatchMapping("/vfms/{id}")
    Mono<VfmView> update(@PathVariable String id, @RequestBody UpdateVfmRequest request) {
        return Blocking.call(() -> deployments.update(id, request));
    }

    @Operation(operationId = "deleteVfm", summary = "Delete a vFM, its versions and artifacts")
    @DeleteMapping("/vfms/{id}")
    Mono<VfmView> delete(@PathVariable String id) {
        return Blocking.call(() -> deployments.delete(id));
    }

    @Operation(
            operationId = "listVersions",
            summary = "List the versions of a vFM with their files")
    @GetMapping("/vfms/{id}/versions")
    Mono<List<VersionView>> versions(@PathVariable String id) {
        return Blocking.call(() -> catalog.versions(id));
    }

    @Operation(
            operationId = "downloadVersionFile",
            summary =
                    "One file of a vFM version, byte for byte as stored (e.g. the PEFT files a"
                            + " training job made)")
    @GetMapping(
            path = "/vfms/{id}/versions/{version}/files/{name}",
            produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    Mono<ResponseEntity<byte[]>> file(
            @PathVariable String id, @PathVariable int version, @PathVariable String name) {
        return Blocking.call(() -> catalog.artifact(id, version, name))
                .map(
                        bytes ->
                                ResponseEntity.ok()
                                        .header(
                                                HttpHeaders.CONTENT_DISPOSITION,
                                                ContentDisposition.attachment()
                                                        .filename(name)
                                                        .build()
                                                        .toString())
                                        .body(bytes));
    }

    @Operation(operationId = "listEvents", summary = "The audit of a vFM's lifecycle")
    @GetMapping("/vfms/{id}/events")
    Mono<List<LifecycleEventView>> events(@PathVariable String id) {
        return Blocking.call(() -> lifecycle.events(id));
    }

    @Operation(operationId = "getVfmStats", summary = "Serving statistics of a vFM")
    @GetMapping("/vfms/{id}/stats")
    Mono<VfmStats> stats(@PathVariable String id) {
        return Blocking.call(() -> deployments.stats(id));
    }
}
