package dev.fmplex.control.lifecycle;

import dev.fmplex.control.config.ControlProperties;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /vfms/{id}/versions}: multipart/form-data, one part per file, each named {@code
 * files} and carrying the file's own name (e.g. {@code adapter_config.json}).
 */
@Tag(name = "vfms")
@RestController
class VersionController {

    private final DeploymentService deployments;
    private final DataSize maxFileSize;

    VersionController(DeploymentService deployments, ControlProperties properties) {
        this.deployments = deployments;
        this.maxFileSize = properties.maxArtifactSize();
    }

    @Operation(
            operationId = "uploadVersion",
            summary = "Upload artifacts (PEFT files or safetensors) as a new version")
    @ApiResponse(responseCode = "201", description = "Created")
    @PostMapping(path = "/vfms/{id}/versions", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<VfmView>> upload(
            @PathVariable String id, @RequestPart("files") Flux<FilePart> files) {
        return files.concatMap(this::read)
                .collectList()
                .map(
                        list -> {
                            Map<String, byte[]> byName = new LinkedHashMap<>();
                            for (Map.Entry<String, byte[]> file : list) {
                                if (byName.put(file.getKey(), file.getValue()) != null) {
                                    throw new FmplexException(
                                            ProblemType.INVALID_REQUEST,
                                            "files",
                                            "file '" + file.getKey() + "' was sent twice");
                                }
                            }
                            return byName;
                        })
                .flatMap(byName -> Blocking.call(() -> deployments.uploadVersion(id, byName)))
                .map(view -> ResponseEntity.status(HttpStatus.CREATED).body(view));
    }

    private Mono<Map.Entry<String, byte[]>> read(FilePart part) {
        String name = part.filename();
        if (name == null
                || name.isBlank()
                || name.contains("/")
                || name.contains("\\")
                || name.equals(".")
                || name.equals("..")
                || !name.matches("[\\x20-\\x7e]+")) {
            return Mono.error(
                    new FmplexException(
                            ProblemType.INVALID_REQUEST,
                            "files",
                            "every part named 'files' must carry a plain file name (no path"
                                    + " separators, no '..', printable ASCII), e.g."
                                    + " filename=\"adapter_config.json\""));
        }
        return DataBufferUtils.join(
                        part.content(), (int) Math.min(Integer.MAX_VALUE, maxFileSize.toBytes()))
                .onErrorMap(
                        org.springframework.core.io.buffer.DataBufferLimitException.class,
                        e ->
                                new FmplexException(
                                        ProblemType.REQUEST_TOO_LARGE,
                                        "files[" + name + "]",
                                        "file '"
                                                + name
                                                + "' exceeds the limit of "
                                                + maxFileSize.toMegabytes()
                                                + " MB (fmplex.control.max-artifact-size)",
                                        Map.of("limit", maxFileSize.toBytes()),
                                        e))
                .map(
                        buffer -> {
                            byte[] bytes = new byte[buffer.readableByteCount()];
                            buffer.read(bytes);
                            DataBufferUtils.release(buffer);
                            return Map.entry(name, bytes);
                        });
    }
}
