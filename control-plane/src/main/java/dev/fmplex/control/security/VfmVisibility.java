package dev.fmplex.control.security;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.model.problem.FmplexException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Which tenant owns a vFM, and whether a caller may see it. A vFM's tenant never changes, so it is
 * cached for the process's life after one catalog read; checking a request is a map lookup.
 */
@Component
public class VfmVisibility {

    private final CatalogService catalog;
    private final Map<String, String> tenantById = new ConcurrentHashMap<>();

    VfmVisibility(CatalogService catalog) {
        this.catalog = catalog;
    }

    /** The owner of {@code vfmId} if it is known without I/O, else null. */
    String cachedTenantOf(String vfmId) {
        return tenantById.get(vfmId);
    }

    /** The owner of {@code vfmId}, or null when there is no such vFM (may read the catalog). */
    String tenantOf(String vfmId) {
        String tenant = tenantById.get(vfmId);
        if (tenant != null) {
            return tenant;
        }
        try {
            tenant = catalog.get(vfmId).tenant();
        } catch (FmplexException unknown) {
            return null;
        }
        tenantById.put(vfmId, tenant);
        return tenant;
    }

    /**
     * Fails exactly as for a vFM that does not exist when {@code caller} cannot see it.
     *
     * @param field the request member that named the vFM (e.g. {@code vfms[2]})
     */
    public void require(Caller caller, String vfmId, String field) {
        String tenant = tenantOf(vfmId);
        if (tenant == null || !caller.sees(tenant, vfmId)) {
            FmplexException unknown = FmplexException.unknownVfm(vfmId);
            throw field.equals(unknown.field())
                    ? unknown
                    : new FmplexException(unknown.type(), field, unknown.getMessage());
        }
    }
}
