package dev.fmplex.model.vfm;

import java.util.EnumSet;
import java.util.Set;

/**
 * What can happen to a vFM, and from which states (DESIGN.md: CREATED -> DEPLOYING -> ACTIVE <->
 * PAUSED -> DELETING -> DELETED, FAILED on load error). Anything else is an invalid transition.
 */
public enum LifecycleAction {
    CREATE(EnumSet.noneOf(VfmState.class)),
    UPLOAD_VERSION(EnumSet.of(VfmState.CREATED, VfmState.ACTIVE, VfmState.PAUSED, VfmState.FAILED)),
    PAUSE(EnumSet.of(VfmState.ACTIVE)),
    RESUME(EnumSet.of(VfmState.PAUSED)),
    DEPLOY(EnumSet.of(VfmState.FAILED, VfmState.CREATED)),
    UPDATE(EnumSet.of(VfmState.CREATED, VfmState.ACTIVE, VfmState.PAUSED, VfmState.FAILED)),
    DELETE(EnumSet.of(VfmState.CREATED, VfmState.ACTIVE, VfmState.PAUSED, VfmState.FAILED)),
    FAIL(EnumSet.of(VfmState.DEPLOYING, VfmState.ACTIVE, VfmState.PAUSED));

    private final Set<VfmState> allowedFrom;

    LifecycleAction(Set<VfmState> allowedFrom) {
        this.allowedFrom = allowedFrom;
    }

    public boolean allowedFrom(VfmState state) {
        return allowedFrom.contains(state);
    }

    public Set<VfmState> allowedFrom() {
        return allowedFrom;
    }

    /** The action's wire name, e.g. {@code upload-version}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
