package dev.fmplex.control.security;

import dev.fmplex.model.api.CreateTenantRequest;
import dev.fmplex.model.api.TenantView;
import dev.fmplex.model.api.UpdateTenantRequest;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The tenants and their default per-key rate limits. */
@Service
public class Tenants {

    /** The tenant vFMs created before tenancy moved to, and the admin's default. */
    public static final String DEFAULT = "default";

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private final TenantRepository tenants;
    private final Clock clock = Clock.systemUTC();

    Tenants(TenantRepository tenants) {
        this.tenants = tenants;
    }

    @Transactional
    public TenantView create(CreateTenantRequest request) {
        String name = request.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "name",
                    "name must be a plain identifier: a lower-case letter, then up to 62 lower-case"
                            + " letters, digits or '-'; is "
                            + (name == null ? "missing" : "'" + printable(name) + "'"));
        }
        Double rps = RateLimits.validate(request.requestsPerSecond(), "requestsPerSecond");
        Double ips = RateLimits.validate(request.inputsPerSecond(), "inputsPerSecond");
        if (tenants.existsById(name)) {
            throw duplicate(name, null);
        }
        try {
            return tenants.saveAndFlush(new TenantEntity(name, rps, ips, clock.instant())).toView();
        } catch (DataIntegrityViolationException e) {
            throw duplicate(name, e);
        }
    }

    @Transactional(readOnly = true)
    public List<TenantView> list() {
        return tenants.findAllByOrderByNameAsc().stream().map(TenantEntity::toView).toList();
    }

    @Transactional(readOnly = true)
    public TenantView get(String name) {
        return find(name).toView();
    }

    @Transactional
    public TenantView update(String name, UpdateTenantRequest request) {
        TenantEntity tenant = find(name);
        tenant.limits(
                RateLimits.merge(
                        tenant.requestsPerSecond(),
                        request.requestsPerSecond(),
                        "requestsPerSecond"),
                RateLimits.merge(
                        tenant.inputsPerSecond(), request.inputsPerSecond(), "inputsPerSecond"));
        return tenant.toView();
    }

    /**
     * The tenant a new vFM goes to: the one named, if the caller administers it (an admin defaults
     * to {@link #DEFAULT}, a tenant-admin to its own).
     */
    @Transactional(readOnly = true)
    public String forNewVfm(Caller caller, String named) {
        String tenant = named != null ? named : caller.isAdmin() ? DEFAULT : caller.tenant();
        if (!caller.administers(tenant)) {
            throw new FmplexException(
                    ProblemType.FORBIDDEN,
                    "tenant",
                    "a tenant-admin key creates vFMs only in its own tenant '"
                            + caller.tenant()
                            + "'");
        }
        require(tenant, "tenant");
        return tenant;
    }

    /**
     * Whose vFMs a listing shows: null for all (an admin without a filter), else one tenant; a
     * tenant-admin sees only its own.
     */
    public String listedBy(Caller caller, String filter) {
        if (caller.isAdmin()) {
            return filter;
        }
        if (filter != null && !filter.equals(caller.tenant())) {
            throw new FmplexException(
                    ProblemType.FORBIDDEN,
                    "tenant",
                    "a tenant-admin key lists only its own tenant's vFMs");
        }
        return caller.tenant();
    }

    /** Fails with 404 {@code unknown-tenant} naming {@code field} when there is no such tenant. */
    @Transactional(readOnly = true)
    public void require(String name, String field) {
        if (name == null || !NAME.matcher(name).matches() || !tenants.existsById(name)) {
            throw unknown(name, field);
        }
    }

    private TenantEntity find(String name) {
        return (name == null ? java.util.Optional.<TenantEntity>empty() : tenants.findById(name))
                .orElseThrow(() -> unknown(name, "name"));
    }

    private static FmplexException unknown(String name, String field) {
        return new FmplexException(
                ProblemType.UNKNOWN_TENANT,
                field,
                "no tenant named '" + printable(String.valueOf(name)) + "'");
    }

    private static FmplexException duplicate(String name, Throwable cause) {
        return new FmplexException(
                ProblemType.DUPLICATE_NAME,
                "name",
                "a tenant named '" + name + "' already exists",
                Map.of(),
                cause);
    }

    /** Echoes a rejected value without control characters, and not at any length. */
    static String printable(String value) {
        String plain = value.replaceAll("[^\\x20-\\x7e]", "?");
        return plain.length() > 64 ? plain.substring(0, 64) + "..." : plain;
    }
}
