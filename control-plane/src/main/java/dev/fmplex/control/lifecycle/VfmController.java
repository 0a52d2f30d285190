package dev.fmplex.control.lifecycle;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.security.Caller;
import dev.fmplex.control.security.Tenants;
import dev.fmplex.model.api.CreateVfmRequest;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /vfms}: creating a vFM (its definition in the catalog, audited, then deployed when it is
 * complete without artifacts) and reading vFMs with the resident bytes their workers report.
 */
@Tag(name = "vfms", description = "Virtual foundation models: catalog, lifecycle and versions")
@RestController
class VfmController {

    private final CatalogService catalog;
    private final VfmLifecycle lifecycle;
    private final DeploymentService deployments;
    private final Tenants tenants;

    VfmController(
            CatalogService catalog,
            VfmLifecycle lifecycle,
            DeploymentService deployments,
            Tenants tenants) {
        this.catalog = catalog;
        this.lifecycle = lifecycle;
        this.deployments = deployments;
        this.tenants = tenants;
    }

    @Operation(operationId = "createVfm", summary = "Create a vFM on a backbone")
    @ApiResponse(responseCode = "201", description = "Created")
    @PostMapping("/vfms")
    Mono<ResponseEntity<VfmView>> create(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @RequestBody CreateVfmRequest request) {
        return Blocking.call(
                        () -> {
                            String tenant = tenants.forNewVfm(caller, request.tenant());
                            return deployments.deployCreated(lifecycle.create(tenant, request));
                        })
                .map(view -> ResponseEntity.created(URI.create("/vfms/" + view.id())).body(view));
    }

    @Operation(
            operationId = "listVfms",
            summary = "List the caller's vFMs (the admin sees every tenant's, or one)")
    @GetMapping("/vfms")
    Mono<List<VfmView>> list(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @RequestParam(required = false) String tenant) {
        return Blocking.call(
                () -> {
                    String only = tenants.listedBy(caller, tenant);
                    return (only == null ? catalog.list() : catalog.list(only))
                            .stream().map(deployments::withResidency).toList();
                });
    }

    @Operation(operationId = "getVfm", summary = "Get one vFM")
    @GetMapping("/vfms/{id}")
    Mono<VfmView> get(@PathVariable String id) {
        return Blocking.call(() -> deployments.withResidency(catalog.get(id)));
    }
}
