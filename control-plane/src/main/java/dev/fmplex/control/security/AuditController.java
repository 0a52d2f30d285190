package dev.fmplex.control.security;

import dev.fmplex.model.api.AuditEventView;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /audit}: who changed what, for the platform admin. */
@Tag(name = "security")
@RestController
class AuditController {

    private final AuditTrail audit;

    AuditController(AuditTrail audit) {
        this.audit = audit;
    }

    @Operation(
            operationId = "listAudit",
            summary = "Mutating calls, newest first, filtered by tenant, key or time")
    @GetMapping("/audit")
    Mono<List<AuditEventView>> find(
            @RequestParam(required = false) String tenant,
            @RequestParam(required = false) String keyId,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
                    Instant since,
            @RequestParam(required = false) Integer limit) {
        return Blocking.call(() -> audit.find(tenant, keyId, since, limit));
    }
}
