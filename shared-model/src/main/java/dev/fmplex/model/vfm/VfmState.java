package dev.fmplex.model.vfm;

/** Lifecycle states of a vFM (DESIGN.md: CREATED -> DEPLOYING -> ACTIVE <-> PAUSED -> ...). */
public enum VfmState {
    CREATED,
    DEPLOYING,
    ACTIVE,
    PAUSED,
    DELETING,
    DELETED,
    FAILED;

    /** Whether requests for a vFM in this state are admitted. */
    public boolean serving() {
        return this == ACTIVE;
    }
}
