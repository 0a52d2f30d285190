package dev.fmplex.control.security;

import dev.fmplex.model.api.CreateTenantRequest;
import dev.fmplex.model.api.TenantView;
import dev.fmplex.model.api.UpdateTenantRequest;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /tenants}: the platform admin's. */
@Tag(name = "security")
@RestController
class TenantsController {

    private final Tenants tenants;
    private final ApiKeys keys;

    TenantsController(Tenants tenants, ApiKeys keys) {
        this.tenants = tenants;
        this.keys = keys;
    }

    @Operation(operationId = "createTenant", summary = "Create a tenant")
    @ApiResponse(responseCode = "201", description = "Created")
    @PostMapping("/tenants")
    Mono<ResponseEntity<TenantView>> create(@RequestBody CreateTenantRequest request) {
        return Blocking.call(() -> tenants.create(request))
                .map(
                        tenant ->
                                ResponseEntity.created(URI.create("/tenants/" + tenant.name()))
                                        .body(tenant));
    }

    @Operation(operationId = "listTenants", summary = "List the tenants")
    @GetMapping("/tenants")
    Mono<List<TenantView>> list() {
        return Blocking.call(tenants::list);
    }

    @Operation(operationId = "getTenant", summary = "Get one tenant")
    @GetMapping("/tenants/{name}")
    Mono<TenantView> get(@PathVariable String name) {
        return Blocking.call(() -> tenants.get(name));
    }

    @Operation(
            operationId = "updateTenant",
            summary = "Change a tenant's default per-key rate limits (0 removes one)")
    @PatchMapping("/tenants/{name}")
    Mono<TenantView> update(@PathVariable String name, @RequestBody UpdateTenantRequest request) {
        return Blocking.call(
                () -> {
                    TenantView updated = tenants.update(name, request);
                    keys.forgetAll();
                    return updated;
                });
    }
}
