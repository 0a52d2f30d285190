package dev.fmplex.control.placement;

import java.util.Collection;
import java.util.Comparator;
import java.util.Set;

/**
 * Sharing-aware placement: among the live workers not excluded that host the vFM's backbone and
 * whose budget still fits its resident bytes, the least loaded one, then the lowest address.
 *
 * <p>Hosting the backbone is a hard rule, not a preference: a vFM costs only its extensions where
 * the backbone already is, which is the point of FMplex. Load comes before memory left because
 * requests, not bytes, are what a worker runs out of first. The address breaks ties so that a
 * placement is reproducible.
 *
 * <p>What else a caller needs (a simulated worker's lane capacity, an SLO check) it applies by
 * filtering the candidates it passes and by what it gives as their load; the rule stays one.
 */
public final class PlacementPolicy {

    private static final Comparator<Candidate> PREFERENCE =
            Comparator.comparingDouble(Candidate::load).thenComparing(Candidate::address);

    private PlacementPolicy() {}

    /**
     * @param backbone the backbone the vFM runs on
     * @param residentBytes what the vFM will occupy on the worker (its estimate before any worker
     *     loaded it)
     * @param candidates the workers to choose from
     * @param exclude ids of workers that must not get it (those already holding a replica)
     */
    public static PlacementDecision choose(
            String backbone,
            long residentBytes,
            Collection<Candidate> candidates,
            Set<String> exclude) {
        Candidate best = null;
        int excluded = 0;
        int silent = 0;
        int withoutBackbone = 0;
        int withoutRoom = 0;
        for (Candidate candidate : candidates) {
            if (exclude.contains(candidate.id())) {
                excluded++;
            } else if (!candidate.alive()) {
                silent++;
            } else if (!candidate.hosts(backbone)) {
                withoutBackbone++;
            } else if (!candidate.hasRoomFor(residentBytes)) {
                withoutRoom++;
            } else if (best == null || PREFERENCE.compare(candidate, best) < 0) {
                best = candidate;
            }
        }
        if (best != null) {
            return new PlacementDecision.Chosen(best);
        }
        return new PlacementDecision.NoCandidate(
                backbone, candidates.size(), excluded, silent, withoutBackbone, withoutRoom);
    }
}
