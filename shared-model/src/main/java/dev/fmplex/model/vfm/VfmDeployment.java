package dev.fmplex.model.vfm;

import dev.fmplex.model.task.TaskSpec;

/**
 * What a worker needs to run one version of a vFM: handed from the control plane to the worker that
 * hosts it.
 */
public record VfmDeployment(
        String vfmId, int version, String backbone, TaskSpec task, Quota quota) {

    public VfmDeployment {
        quota = quota == null ? Quota.NONE : quota;
    }
}
