package dev.fmplex.control.lifecycle;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.model.api.CreateVfmRequest;
import dev.fmplex.model.api.LifecycleEventView;
import dev.fmplex.model.api.UpdateVfmRequest;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.vfm.LifecycleAction;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.model.vfm.VfmState;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The vFM state machine: every change of a vFM is checked against {@link LifecycleAction}'s allowed
 * states (an invalid transition is a 409 naming the states that would allow it), applied to the
 * catalog and audited, all in one transaction.
 */
@Service
class VfmLifecycle {

    private static final Logger log = LoggerFactory.getLogger(VfmLifecycle.class);

    private final CatalogService catalog;
    private final LifecycleAudit audit;
    private final JsonMapper json;

    VfmLifecycle(CatalogService catalog, LifecycleAudit audit, JsonMapper json) {
        this.catalog = catalog;
        this.audit = audit;
        this.json = json;
    }

    /** Creates the vFM in {@code tenant}, which the caller was checked to administer. */
    @Transactional
    public VfmView create(String tenant, CreateVfmRequest request) {
        VfmView created = catalog.create(tenant, request);
        audit.record(created, LifecycleAction.CREATE, null, "POST /vfms", null);
        return created;
    }

    /**
     * Stores an accepted version with its files and makes it the serving one.
     *
     * @param expectedCurrent the version the upload was validated against; another upload that
     *     landed first makes this one a 409
     */
    @Transactional
    public VfmView recordVersion(String id, int expectedCurrent, Map<String, byte[]> files) {
        // The version conflict is checked first, then the state: the order of the two 409s as
        // before the catalog and the lifecycle were apart.
        VfmView stored = catalog.storeVersion(id, expectedCurrent, files);
        VfmState before = stored.state();
        require(stored, LifecycleAction.UPLOAD_VERSION);
        int version = expectedCurrent + 1;
        VfmView activated = catalog.activate(id, version);
        audit.record(
                activated,
                LifecycleAction.UPLOAD_VERSION,
                before,
                "POST /vfms/" + id + "/versions",
                "files " + files.keySet());
        log.info(
                "vFM {} ({}) now at version {} with files {}",
                activated.name(),
                id,
                version,
                files.keySet());
        return activated;
    }

    /**
     * Applies {@code action} if the vFM's state allows it, else 409 naming the states that would.
     *
     * @return the deployment as it is after the transition
     */
    @Transactional
    public VfmDeployment transition(
            String id, LifecycleAction action, VfmState to, String apiCall) {
        VfmView current = catalog.get(id);
        require(current, action);
        requireVersionToDeploy(current, action);
        VfmView moved = catalog.moveTo(id, to);
        audit.record(moved, action, current.state(), apiCall, null);
        return catalog.deployment(id);
    }

    /** Checks that {@code action} is allowed now, without changing anything. */
    @Transactional(readOnly = true)
    public VfmDeployment requireAllowed(String id, LifecycleAction action) {
        VfmView current = catalog.get(id);
        require(current, action);
        requireVersionToDeploy(current, action);
        return catalog.deployment(id);
    }

    /** {@code PATCH /vfms/{id}}: weight and quota, validated like at creation. */
    @Transactional
    public VfmView update(String id, UpdateVfmRequest request) {
        require(catalog.get(id), LifecycleAction.UPDATE);
        VfmView updated = catalog.update(id, request);
        audit.record(
                updated,
                LifecycleAction.UPDATE,
                updated.state(),
                "PATCH /vfms/" + id,
                "weight="
                        + updated.weight()
                        + " quota="
                        + (updated.quota() == null
                                ? null
                                : json.writeValueAsString(updated.quota())));
        return updated;
    }

    /** {@code DELETE /vfms/{id}}: the vFM, its versions and artifacts go; its audit stays. */
    @Transactional
    public VfmView delete(String id) {
        VfmView current = catalog.get(id);
        require(current, LifecycleAction.DELETE);
        VfmView deleted = catalog.delete(id);
        audit.record(deleted, LifecycleAction.DELETE, current.state(), "DELETE /vfms/" + id, null);
        return deleted;
    }

    /** A worker could not load the vFM's version: FAILED, whatever its state was. */
    @Transactional
    public void markFailed(String id) {
        VfmState before = catalog.get(id).state();
        VfmView failed = catalog.fail(id);
        audit.record(
                failed,
                LifecycleAction.FAIL,
                before,
                "deployment",
                "the worker could not load the version");
    }

    @Transactional(readOnly = true)
    public java.util.List<LifecycleEventView> events(String id) {
        return audit.events(UUID.fromString(catalog.get(id).id()));
    }

    private static void require(VfmView vfm, LifecycleAction action) {
        if (!action.allowedFrom(vfm.state())) {
            throw new FmplexException(
                    ProblemType.INVALID_TRANSITION,
                    null,
                    "cannot "
                            + action.wireName()
                            + " vFM "
                            + vfm.id()
                            + " in state "
                            + vfm.state()
                            + "; allowed from "
                            + action.allowedFrom(),
                    Map.of("state", vfm.state().name(), "action", action.wireName()),
                    null);
        }
    }

    private static void requireVersionToDeploy(VfmView vfm, LifecycleAction action) {
        if (action == LifecycleAction.DEPLOY && vfm.version() == 0) {
            throw new FmplexException(
                    ProblemType.INVALID_TRANSITION,
                    null,
                    "vFM "
                            + vfm.id()
                            + " has no version to deploy; upload one: POST /vfms/"
                            + vfm.id()
                            + "/versions");
        }
    }
}
