package dev.fmplex.model.vfm;

import dev.fmplex.model.task.TaskSpec;

/**
 * What a worker needs to run one version of a vFM: handed from the control plane to the worker that
 * hosts it.
 *
 * @param weight the vFM's fair-share weight in its backbone's scheduler
 */
public record VfmDeployment(
        String vfmId, int version, String backbone, TaskSpec task, Quota quota, double weight) {

    public VfmDeployment {
        quota = quota == null ? Quota.NONE : quota;
        if (!(weight > 0)) {
            throw new IllegalArgumentException("weight must be > 0, is " + weight);
        }
    }

    /** A deployment with the default weight 1. */
    public VfmDeployment(String vfmId, int version, String backbone, TaskSpec task, Quota quota) {
        this(vfmId, version, backbone, task, quota, 1.0);
    }

    public VfmDeployment withVersion(int newVersion) {
        return new VfmDeployment(vfmId, newVersion, backbone, task, quota, weight);
    }
}
