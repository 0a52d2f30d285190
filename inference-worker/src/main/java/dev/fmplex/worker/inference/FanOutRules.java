package dev.fmplex.worker.inference;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.MissingValues;
import dev.fmplex.model.vfm.VfmDeployment;
import java.util.HashSet;
import java.util.List;

/**
 * What the vFMs of one fan-out must have in common, since their inputs are prepared once for all of
 * them: at least one, each once, one backbone, and one missing-value policy.
 */
final class FanOutRules {

    private FanOutRules() {}

    /**
     * @throws FmplexException 400 naming the first vFM that breaks a rule
     */
    static void check(List<VfmDeployment> targets) {
        if (targets.isEmpty()) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST, "vfms", "vfms must name at least 1 vFM");
        }
        if (new HashSet<>(targets.stream().map(VfmDeployment::vfmId).toList()).size()
                != targets.size()) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST, "vfms", "vfms names a vFM twice");
        }
        String backboneName = targets.get(0).backbone();
        for (int i = 1; i < targets.size(); i++) {
            if (!targets.get(i).backbone().equals(backboneName)) {
                throw new FmplexException(
                        ProblemType.INVALID_REQUEST,
                        "vfms[" + i + "]",
                        "all vFMs of a fan-out must share one backbone: vfms[0] is on "
                                + backboneName
                                + ", vfms["
                                + i
                                + "] on "
                                + targets.get(i).backbone());
            }
        }
        for (int i = 1; i < targets.size(); i++) {
            MissingValues first = orReject(targets.get(0).task().missingValues());
            MissingValues other = orReject(targets.get(i).task().missingValues());
            if (first != other) {
                throw new FmplexException(
                        ProblemType.INVALID_REQUEST,
                        "vfms[" + i + "]",
                        "the vFMs of a fan-out share one preparation of the inputs:"
                                + " vfms[0] handles missing values as "
                                + first.wireName()
                                + ", vfms["
                                + i
                                + "] as "
                                + other.wireName());
            }
        }
    }

    private static MissingValues orReject(MissingValues policy) {
        return policy == null ? MissingValues.REJECT : policy;
    }
}
