package dev.fmplex.worker.api;

import dev.fmplex.engine.scheduler.SchedulerStats;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.web.Blocking;
import dev.fmplex.worker.inference.BackboneHost;
import dev.fmplex.worker.inference.VfmDeployments;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the control plane drives on a worker: load (or replace) a vFM version from its artifacts,
 * unload it, pause and resume it, and read the worker's state.
 */
@RestController
class InternalController {

    private final BackboneHost host;
    private final VfmDeployments deployments;

    InternalController(BackboneHost host, VfmDeployments deployments) {
        this.host = host;
        this.deployments = deployments;
    }

    @GetMapping("/internal/backbones")
    List<BackboneDescriptor> backbones() {
        return host.descriptors();
    }

    /**
     * Multipart: a {@code deployment} part (JSON {@link VfmDeployment}) and zero or more {@code
     * files} parts named after the artifact they carry.
     */
    @PutMapping(path = "/internal/vfms/{id}", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<Map<String, Object>> load(
            @PathVariable String id,
            @RequestPart("deployment") VfmDeployment deployment,
            @RequestPart(name = "files", required = false) Flux<FilePart> files) {
        if (!id.equals(deployment.vfmId())) {
            return Mono.error(
                    new FmplexException(
                            ProblemType.INVALID_REQUEST,
                            "deployment.vfmId",
                            "deployment.vfmId '"
                                    + deployment.vfmId()
                                    + "' does not match the path id '"
                                    + id
                                    + "'"));
        }
        Flux<FilePart> parts = files == null ? Flux.empty() : files;
        return parts.concatMap(
                        part ->
                                DataBufferUtils.join(part.content())
                                        .map(
                                                buffer -> {
                                                    byte[] bytes =
                                                            new byte[buffer.readableByteCount()];
                                                    buffer.read(bytes);
                                                    DataBufferUtils.release(buffer);
                                                    return Map.entry(part.filename(), bytes);
                                                }))
                .collectList()
                .flatMap(
                        list -> {
                            Map<String, byte[]> byName = new LinkedHashMap<>();
                            list.forEach(entry -> byName.put(entry.getKey(), entry.getValue()));
                            return Blocking.call(() -> deployments.deploy(deployment, byName));
                        })
                .map(
                        bytes ->
                                Map.of(
                                        "vfm",
                                        id,
                                        "version",
                                        deployment.version(),
                                        "residentBytes",
                                        bytes));
    }

    @DeleteMapping("/internal/vfms/{id}")
    ResponseEntity<Void> unload(@PathVariable String id) {
        deployments.undeploy(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/internal/vfms/{id}/pause")
    ResponseEntity<Void> pause(@PathVariable String id) {
        deployments.pause(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/internal/vfms/{id}/resume")
    ResponseEntity<Void> resume(@PathVariable String id) {
        deployments.resume(id);
        return ResponseEntity.noContent().build();
    }

    /** One vFM's queue, fair shares and counters in its backbone's scheduler here. */
    @GetMapping("/internal/vfms/{id}/stats")
    SchedulerStats.VfmQueueStats vfmStats(@PathVariable String id) {
        return deployments.queueStats(id).orElseThrow(() -> VfmDeployments.notLoaded(id));
    }

    @GetMapping("/internal/stats")
    Map<String, SchedulerStats> stats() {
        return deployments.stats();
    }
}
