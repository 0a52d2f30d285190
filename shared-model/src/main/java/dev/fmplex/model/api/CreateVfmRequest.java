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
 */
public record CreateVfmRequest(
        String name, String backbone, Double weight, TaskSpec task, Quota quota) {}
