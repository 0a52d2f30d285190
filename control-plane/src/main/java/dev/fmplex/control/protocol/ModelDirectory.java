package dev.fmplex.control.protocol;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.security.Caller;
import dev.fmplex.control.security.Tenants;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The vFMs a key reaches under protocol model names. A model is named by the vFM's name within the
 * key's tenant ({@code sentiment}), by {@code tenant/name} (an admin key reaching any tenant), or
 * by its id. An admin key has no tenant of its own; bare names are looked up in {@link
 * Tenants#DEFAULT}. A vFM the key may not see is reported exactly as one that does not exist.
 * Blocking: reads the catalog.
 */
@Component
public class ModelDirectory {

    private final CatalogService catalog;

    ModelDirectory(CatalogService catalog) {
        this.catalog = catalog;
    }

    /**
     * The vFM {@code model} names for {@code caller}.
     *
     * @param field the request member that named it ({@code model}), for the 404
     */
    public VfmView resolve(Caller caller, String model, String field) {
        if (model == null || model.isBlank()) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    field,
                    field + " is required: the name of a vFM (GET /v1/models lists them)");
        }
        VfmView found = lookUp(caller, model);
        if (found == null || !caller.sees(found.tenant(), found.id())) {
            throw new FmplexException(
                    ProblemType.UNKNOWN_VFM,
                    field,
                    "no model '" + model + "' (a vFM name, tenant/name or id; see GET /v1/models)");
        }
        return found;
    }

    private VfmView lookUp(Caller caller, String model) {
        int slash = model.indexOf('/');
        if (slash > 0) {
            return catalog.findByName(model.substring(0, slash), model.substring(slash + 1))
                    .orElse(null);
        }
        VfmView named = catalog.findByName(ownTenant(caller), model).orElse(null);
        if (named != null || !looksLikeId(model)) {
            return named;
        }
        try {
            return catalog.get(model);
        } catch (FmplexException unknown) {
            return null;
        }
    }

    /** The backbone a vFM runs on. */
    public BackboneDescriptor backbone(VfmView vfm) {
        return catalog.backbones().stream()
                .filter(backbone -> backbone.name().equals(vfm.backbone()))
                .findFirst()
                .orElseThrow(
                        () ->
                                new FmplexException(
                                        ProblemType.BACKBONE_UNAVAILABLE,
                                        null,
                                        "backbone " + vfm.backbone() + " is not registered"));
    }

    /** Every vFM the key sees, oldest first. */
    public List<VfmView> visible(Caller caller) {
        List<VfmView> all =
                caller.tenant() == null ? catalog.list() : catalog.list(caller.tenant());
        return all.stream().filter(vfm -> caller.sees(vfm.tenant(), vfm.id())).toList();
    }

    /** How {@code caller} names {@code vfm}: its bare name in the key's own tenant. */
    public String nameFor(Caller caller, VfmView vfm) {
        return vfm.tenant().equals(ownTenant(caller))
                ? vfm.name()
                : vfm.tenant() + "/" + vfm.name();
    }

    private static String ownTenant(Caller caller) {
        return caller.tenant() == null ? Tenants.DEFAULT : caller.tenant();
    }

    private static boolean looksLikeId(String model) {
        try {
            UUID.fromString(model);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
