package dev.fmplex.control.security;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.Arrays;

/** What a key may reach; its wire name is what the API reads and writes. */
public enum Scope {
    /** The platform: backbones, workers, placements, tenants, every vFM and key, the audit. */
    ADMIN("admin", false),
    /** One tenant's vFMs and keys. */
    TENANT_ADMIN("tenant-admin", true),
    /** Inference only, on one tenant's vFMs or on a listed set of them. */
    INFER("infer", true),
    /** Prometheus scraping ({@code /actuator/prometheus}) and nothing else. */
    METRICS("metrics", false);

    private final String wireName;
    private final boolean ofTenant;

    Scope(String wireName, boolean ofTenant) {
        this.wireName = wireName;
        this.ofTenant = ofTenant;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether a key of this scope belongs to a tenant (admin and metrics keys do not). */
    boolean ofTenant() {
        return ofTenant;
    }

    /** The Spring Security authority of a key of this scope. */
    String authority() {
        return "SCOPE_" + wireName;
    }

    static Scope fromWire(String name, String field) {
        return Arrays.stream(values())
                .filter(scope -> scope.wireName.equals(name))
                .findFirst()
                .orElseThrow(
                        () ->
                                new FmplexException(
                                        ProblemType.INVALID_REQUEST,
                                        field,
                                        field
                                                + " must be one of admin, tenant-admin, infer,"
                                                + " metrics; is '"
                                                + name
                                                + "'"));
    }
}
