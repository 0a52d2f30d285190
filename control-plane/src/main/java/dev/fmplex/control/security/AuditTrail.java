package dev.fmplex.control.security;

import dev.fmplex.model.api.AuditEventView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import jakarta.persistence.criteria.Predicate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit of mutating calls ({@code audit_events}): written by {@link AuditFilter}, read by
 * admins.
 */
@Service
public class AuditTrail {

    static final int MAX_LIMIT = 1000;

    private final AuditEventRepository events;
    private final Clock clock = Clock.systemUTC();

    AuditTrail(AuditEventRepository events) {
        this.events = events;
    }

    @Transactional
    void record(Caller caller, String method, String path, int status) {
        events.save(
                new AuditEventEntity(
                        clock.instant(),
                        caller.keyId(),
                        caller.tenant(),
                        method,
                        path.length() > 512 ? path.substring(0, 512) : path,
                        status));
    }

    /** Newest first; every filter is optional. */
    @Transactional(readOnly = true)
    public List<AuditEventView> find(String tenant, String keyId, Instant since, Integer limit) {
        int size = limit == null ? 100 : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "limit",
                    "limit must be between 1 and " + MAX_LIMIT + ", is " + size);
        }
        Specification<AuditEventEntity> filter =
                (root, query, builder) -> {
                    List<Predicate> all = new ArrayList<>();
                    if (tenant != null) {
                        all.add(builder.equal(root.get("tenant"), tenant));
                    }
                    if (keyId != null) {
                        all.add(builder.equal(root.get("keyId"), keyId));
                    }
                    if (since != null) {
                        all.add(builder.greaterThanOrEqualTo(root.get("at"), since));
                    }
                    return builder.and(all.toArray(Predicate[]::new));
                };
        return events.findAll(filter, PageRequest.of(0, size, Sort.by(Sort.Direction.DESC, "id")))
                .map(AuditEventEntity::toView)
                .getContent();
    }
}
