package dev.fmplex.model.vfm;

/**
 * Per-vFM limits, each optional; an absent limit means the worker's default applies.
 *
 * @param maxInputsPerRequest most inputs one infer call may carry for this vFM; it can lower but
 *     never raise the worker's own limit
 */
public record Quota(Integer maxInputsPerRequest) {

    /** No per-vFM limits. */
    public static final Quota NONE = new Quota(null);
}
