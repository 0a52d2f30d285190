package dev.fmplex.control.security;

import dev.fmplex.model.api.CreateKeyRequest;
import dev.fmplex.model.api.KeyView;
import dev.fmplex.model.api.NewKey;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /keys}: API keys of the caller's tenant (every tenant's, for the admin). */
@Tag(name = "security", description = "Tenants, API keys and the audit")
@RestController
class KeysController {

    private final ApiKeys keys;

    KeysController(ApiKeys keys) {
        this.keys = keys;
    }

    @Operation(
            operationId = "createKey",
            summary = "Create an API key; the answer is the only time the key is shown")
    @ApiResponse(responseCode = "201", description = "Created")
    @PostMapping("/keys")
    Mono<ResponseEntity<NewKey>> create(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @RequestBody CreateKeyRequest request) {
        return Blocking.call(() -> keys.create(caller, request))
                .map(
                        created ->
                                ResponseEntity.created(
                                                URI.create("/keys/" + created.metadata().id()))
                                        .body(created));
    }

    @Operation(operationId = "listKeys", summary = "List API keys (never the keys themselves)")
    @GetMapping("/keys")
    Mono<List<KeyView>> list(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @RequestParam(required = false) String tenant) {
        return Blocking.call(() -> keys.list(caller, tenant));
    }

    @Operation(operationId = "getKey", summary = "Get one API key")
    @GetMapping("/keys/{id}")
    Mono<KeyView> get(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable String id) {
        return Blocking.call(() -> keys.get(caller, id));
    }

    @Operation(
            operationId = "revokeKey",
            summary = "Revoke an API key: it stops working at once; revoking twice changes nothing")
    @DeleteMapping("/keys/{id}")
    Mono<KeyView> revoke(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable String id) {
        return Blocking.call(() -> keys.revoke(caller, id));
    }
}
