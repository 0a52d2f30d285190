package dev.fmplex.model.api;

import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.vfm.Quota;

/**
 * Body of {@code POST /vfms}.
 *
 * @param name unique, human-chosen name (1-128 characters of letters, digits, '.', '_', '-')
 * @param backbone name of a registered backbone
 * @param weight fair-share weight, default 1.0, in (0, 1000]
 * @param task what the vFM computes
 * @param quota optional per-vFM limits
 * @param tenant the owning tenant; a tenant-admin key may only name its own (or omit it), an admin
 *     key may name any and defaults to {@code default}
 */
public record CreateVfmRequest(
        String name, String backbone, Double weight, TaskSpec task, Quota quota, String tenant) {

    /** A request for the caller's own tenant. */
    public CreateVfmRequest(
            String name, String backbone, Double weight, TaskSpec task, Quota quota) {
        this(name, backbone, weight, task, quota, null);
    }
}
