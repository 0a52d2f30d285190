package dev.fmplex.control.security;

import java.util.Set;

/**
 * The authenticated key behind a request, as controllers and services see it.
 *
 * @param keyId the key's public id (its visible prefix)
 * @param tenant the key's tenant; null for admin and metrics keys
 * @param vfms the vFM ids an infer key is limited to; null when it covers its whole tenant
 * @param limit the key's rate limits (its own, else its tenant's)
 */
public record Caller(String keyId, Scope scope, String tenant, Set<String> vfms, RateLimit limit) {

    /** Requests and inputs (rows) per second a key may send; a null member means no limit. */
    public record RateLimit(Double requestsPerSecond, Double inputsPerSecond) {
        static final RateLimit NONE = new RateLimit(null, null);
    }

    public Caller {
        vfms = vfms == null ? null : Set.copyOf(vfms);
    }

    /** Stands for every request when security is switched off (benchmarks only). */
    static final Caller UNSECURED =
            new Caller("unsecured", Scope.ADMIN, null, null, RateLimit.NONE);

    public boolean isAdmin() {
        return scope == Scope.ADMIN;
    }

    /**
     * Whether this key can see the vFM at all. What it cannot see is answered exactly as a vFM that
     * does not exist.
     */
    public boolean sees(String vfmTenant, String vfmId) {
        return switch (scope) {
            case ADMIN -> true;
            case TENANT_ADMIN -> tenant.equals(vfmTenant);
            case INFER -> tenant.equals(vfmTenant) && (vfms == null || vfms.contains(vfmId));
            case METRICS -> false;
        };
    }

    /** Whether this key may see and manage the keys and vFMs of {@code other}. */
    public boolean administers(String other) {
        return scope == Scope.ADMIN || (scope == Scope.TENANT_ADMIN && tenant.equals(other));
    }
}
