package dev.fmplex.control.security;

import dev.fmplex.model.api.CreateKeyRequest;
import dev.fmplex.model.api.KeyView;
import dev.fmplex.model.api.NewKey;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.web.SecurityProblems.RefusedCredential;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys: created with a scope (shown once), listed, revoked, and checked on every request. A
 * checked key is kept in memory for {@code fmplex.security.key-cache-ttl}, so a request costs one
 * HMAC and a map lookup, not a database read; revoking on this control plane takes effect at once.
 */
@Service
public class ApiKeys {

    static final int MAX_LISTED_VFMS = 1000;

    /**
     * What authentication needs of a stored key; {@code hash} is null for an id that does not exist
     * (remembered too, so unknown ids do not cost a database read each).
     */
    private record Snapshot(
            String id,
            Scope scope,
            String tenant,
            Set<String> vfms,
            byte[] hash,
            Instant expiresAt,
            Instant revokedAt,
            Caller.RateLimit limit,
            Instant loadedAt) {}

    private final ApiKeyRepository keys;
    private final TenantRepository tenantRows;
    private final Tenants tenants;
    private final VfmVisibility visibility;
    private final RateLimits rateLimits;
    private final KeyHasher hasher;
    private final Duration cacheTtl;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Snapshot> cache = new ConcurrentHashMap<>();
    private final LastUsed lastUsed;

    ApiKeys(
            ApiKeyRepository keys,
            TenantRepository tenantRows,
            Tenants tenants,
            VfmVisibility visibility,
            RateLimits rateLimits,
            KeyHasher hasher,
            SecurityProperties properties,
            LastUsed lastUsed) {
        this.keys = keys;
        this.tenantRows = tenantRows;
        this.tenants = tenants;
        this.visibility = visibility;
        this.rateLimits = rateLimits;
        this.hasher = hasher;
        this.cacheTtl = properties.keyCacheTtl();
        this.lastUsed = lastUsed;
    }

    /** The caller {@code key} stands for if its snapshot is in memory, else null (no I/O). */
    Caller authenticateCached(String key) {
        Snapshot snapshot = cache.get(idOf(key));
        if (snapshot == null || isStale(snapshot)) {
            return null;
        }
        return check(key, snapshot);
    }

    /** Authenticates {@code key}, reading the database if needed (blocking). */
    Caller authenticate(String key) {
        String id = idOf(key);
        Snapshot snapshot = cache.get(id);
        if (snapshot == null || isStale(snapshot)) {
            snapshot = load(id);
            if (cache.size() > 100_000) {
                // Guessed ids must not grow memory without bound.
                cache.clear();
            }
            cache.put(id, snapshot);
        }
        return check(key, snapshot);
    }

    private static String idOf(String key) {
        if (!KeyFormat.isWellFormed(key)) {
            throw new RefusedCredential(
                    "malformed",
                    "the bearer credential is not an FMplex API key (" + KeyFormat.RULE + ")");
        }
        return KeyFormat.idOf(key);
    }

    private boolean isStale(Snapshot snapshot) {
        return snapshot.loadedAt().plus(cacheTtl).isBefore(clock.instant());
    }

    private Caller check(String key, Snapshot snapshot) {
        if (snapshot.hash() == null || !hasher.matches(key, snapshot.hash())) {
            throw new RefusedCredential("unknown", "unknown API key");
        }
        // The caller proved it holds the key: telling it why the key no longer works leaks nothing.
        Instant now = clock.instant();
        if (snapshot.revokedAt() != null) {
            throw new RefusedCredential(
                    "revoked",
                    "API key " + snapshot.id() + " was revoked at " + snapshot.revokedAt());
        }
        if (snapshot.expiresAt() != null && !snapshot.expiresAt().isAfter(now)) {
            throw new RefusedCredential(
                    "expired", "API key " + snapshot.id() + " expired at " + snapshot.expiresAt());
        }
        lastUsed.mark(snapshot.id(), now);
        return new Caller(
                snapshot.id(),
                snapshot.scope(),
                snapshot.tenant(),
                snapshot.vfms(),
                snapshot.limit());
    }

    private Snapshot load(String id) {
        Instant now = clock.instant();
        return keys.findById(id)
                .map(
                        key -> {
                            TenantEntity tenant =
                                    key.tenant() == null
                                            ? null
                                            : tenantRows.findById(key.tenant()).orElse(null);
                            return new Snapshot(
                                    key.id(),
                                    key.scope(),
                                    key.tenant(),
                                    key.vfms() == null ? null : Set.copyOf(key.vfms()),
                                    key.keyHash(),
                                    key.expiresAt(),
                                    key.revokedAt(),
                                    new Caller.RateLimit(
                                            key.requestsPerSecond() != null
                                                    ? key.requestsPerSecond()
                                                    : tenant == null
                                                            ? null
                                                            : tenant.requestsPerSecond(),
                                            key.inputsPerSecond() != null
                                                    ? key.inputsPerSecond()
                                                    : tenant == null
                                                            ? null
                                                            : tenant.inputsPerSecond()),
                                    now);
                        })
                .orElse(new Snapshot(id, null, null, null, null, null, null, null, now));
    }

    /** {@code POST /keys}. */
    @Transactional
    public NewKey create(Caller caller, CreateKeyRequest request) {
        if (request.name() == null
                || request.name().isBlank()
                || request.name().length() > 128
                || !request.name().matches("[\\x20-\\x7e]+")) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "name",
                    "name must be 1-128 printable ASCII characters, e.g. \"search-service\"");
        }
        if (request.scope() == null) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "scope",
                    "scope is required: admin, tenant-admin, infer or metrics");
        }
        Scope scope = Scope.fromWire(request.scope(), "scope");
        if (!caller.isAdmin() && !(scope == Scope.TENANT_ADMIN || scope == Scope.INFER)) {
            throw new FmplexException(
                    ProblemType.FORBIDDEN,
                    "scope",
                    "a tenant-admin key creates tenant-admin and infer keys only, not "
                            + scope.wireName());
        }
        String tenant = request.tenant();
        if (scope.ofTenant()) {
            if (tenant == null && !caller.isAdmin()) {
                tenant = caller.tenant();
            }
            if (tenant == null) {
                throw new FmplexException(
                        ProblemType.INVALID_REQUEST,
                        "tenant",
                        "tenant is required for " + scope.wireName() + " keys");
            }
            if (!caller.administers(tenant)) {
                throw new FmplexException(
                        ProblemType.FORBIDDEN,
                        "tenant",
                        "a tenant-admin key creates keys only in its own tenant '"
                                + caller.tenant()
                                + "'");
            }
            tenants.require(tenant, "tenant");
        } else if (tenant != null) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "tenant",
                    scope.wireName() + " keys belong to no tenant; leave tenant out");
        }
        List<String> vfms = listedVfms(scope, tenant, request.vfms());
        Instant now = clock.instant();
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "expiresAt",
                    "expiresAt must be in the future, is " + request.expiresAt());
        }
        String key = KeyFormat.generate();
        ApiKeyEntity entity =
                new ApiKeyEntity(
                        KeyFormat.idOf(key),
                        request.name(),
                        scope,
                        tenant,
                        vfms,
                        hasher.hash(key),
                        RateLimits.validate(request.requestsPerSecond(), "requestsPerSecond"),
                        RateLimits.validate(request.inputsPerSecond(), "inputsPerSecond"),
                        caller.keyId(),
                        request.expiresAt(),
                        now);
        keys.save(entity);
        return new NewKey(key, entity.toView());
    }

    private List<String> listedVfms(Scope scope, String tenant, List<String> requested) {
        if (requested == null) {
            return null;
        }
        if (scope != Scope.INFER) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "vfms",
                    "only infer keys can be limited to listed vFMs");
        }
        if (requested.isEmpty() || requested.size() > MAX_LISTED_VFMS) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "vfms",
                    "vfms must list 1 to "
                            + MAX_LISTED_VFMS
                            + " vFM ids, lists "
                            + requested.size());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            String id = requested.get(i);
            String field = "vfms[" + i + "]";
            if (id == null || !tenant.equals(visibility.tenantOf(id))) {
                // Another tenant's vFM reads like a missing one, here as everywhere.
                FmplexException unknown = FmplexException.unknownVfm(String.valueOf(id));
                throw new FmplexException(unknown.type(), field, unknown.getMessage());
            }
            if (!seen.add(id)) {
                throw new FmplexException(
                        ProblemType.INVALID_REQUEST, field, "vFM '" + id + "' is listed twice");
            }
        }
        return List.copyOf(requested);
    }

    /** {@code GET /keys}: an admin sees every key (or one tenant's), a tenant-admin its own. */
    @Transactional(readOnly = true)
    public List<KeyView> list(Caller caller, String tenant) {
        if (!caller.isAdmin() && tenant != null && !tenant.equals(caller.tenant())) {
            throw new FmplexException(
                    ProblemType.FORBIDDEN,
                    "tenant",
                    "a tenant-admin key lists only its own tenant's keys");
        }
        String only = caller.isAdmin() ? tenant : caller.tenant();
        List<ApiKeyEntity> found =
                only == null
                        ? keys.findAllByOrderByCreatedAtAsc()
                        : keys.findAllByTenantOrderByCreatedAtAsc(only);
        return found.stream().map(ApiKeyEntity::toView).toList();
    }

    @Transactional(readOnly = true)
    public KeyView get(Caller caller, String id) {
        return visible(caller, id).toView();
    }

    /** {@code DELETE /keys/{id}}: the key stops working at once here; revoking twice is a no-op. */
    @Transactional
    public KeyView revoke(Caller caller, String id) {
        ApiKeyEntity key = visible(caller, id);
        key.revoke(clock.instant());
        cache.remove(id);
        rateLimits.forget(id);
        return key.toView();
    }

    /** Drops every cached key, so changed tenant limits apply at the next request. */
    void forgetAll() {
        cache.clear();
    }

    private ApiKeyEntity visible(Caller caller, String id) {
        return keys.findById(id)
                .filter(
                        key ->
                                caller.isAdmin()
                                        || (key.tenant() != null
                                                && caller.administers(key.tenant())))
                .orElseThrow(
                        () ->
                                new FmplexException(
                                        ProblemType.UNKNOWN_KEY,
                                        "id",
                                        "no API key with id '" + Tenants.printable(id) + "'"));
    }
}
