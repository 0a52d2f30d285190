package dev.fmplex.control.placement;

/** What {@link PlacementPolicy#choose} decided: a worker, or why there is none. */
public sealed interface PlacementDecision {

    /** The worker the vFM goes to. */
    record Chosen(Candidate worker) implements PlacementDecision {}

    /**
     * No worker qualifies. The counts say why, each candidate counted under the first rule it
     * failed, in the order the rules are applied (excluded, silent, without the backbone, without
     * room), so a caller can tell "nothing hosts it" from "everything is full".
     */
    record NoCandidate(
            String backbone,
            int considered,
            int excluded,
            int silent,
            int withoutBackbone,
            int withoutRoom)
            implements PlacementDecision {}
}
