package dev.fmplex.engine.nn;

import java.util.List;

/**
 * The roles of the linear projections in one transformer encoder layer, in the order a forward pass
 * runs them. A role is family-neutral: each family declares where its projection of that role sits
 * ({@link ProjectionSite}: module path and shape), and LoRA modules, deltas and adapter configs
 * name projections by role, so one adapter mechanism serves every family.
 */
public enum Projection {
    QUERY,
    KEY,
    VALUE,
    ATTENTION_OUTPUT,
    /** The feed-forward block's first projection, hidden to intermediate width. */
    INTERMEDIATE,
    /** The feed-forward block's second projection, intermediate back to hidden width. */
    OUTPUT;

    /**
     * The six projections of a standard encoder layer, in the order its forward pass runs them;
     * families iterate this list, never {@link #values()}, so a role added for another kind of
     * layer changes no encoder.
     */
    public static final List<Projection> ENCODER_LAYER =
            List.of(QUERY, KEY, VALUE, ATTENTION_OUTPUT, INTERMEDIATE, OUTPUT);
}
