package dev.fmplex.control.placement;

import java.util.ArrayList;
import java.util.List;

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
            implements PlacementDecision {

        /** Why, in words, e.g. {@code of 2 workers, 1 is silent and 1 does not host minilm}. */
        public String explain() {
            if (considered == 0) {
                return "no worker is registered";
            }
            List<String> reasons = new ArrayList<>();
            if (excluded > 0) {
                reasons.add(excluded + " already holds it");
            }
            if (silent > 0) {
                reasons.add(silent + (silent == 1 ? " is" : " are") + " silent");
            }
            if (withoutBackbone > 0) {
                reasons.add(
                        withoutBackbone
                                + (withoutBackbone == 1 ? " does" : " do")
                                + " not host "
                                + backbone);
            }
            if (withoutRoom > 0) {
                reasons.add(
                        withoutRoom + " lack" + (withoutRoom == 1 ? "s" : "") + " memory for it");
            }
            return "of "
                    + considered
                    + (considered == 1 ? " worker, " : " workers, ")
                    + String.join(", ", reasons);
        }
    }
}
