package dev.fmplex.model.api;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /vfms/{id}/history}: the vFM's recent traffic in fixed intervals, oldest first, as the
 * control plane that routed it saw it. The control plane keeps a ring of intervals per vFM in
 * memory (not in the database): a restart starts it empty, and each control plane of a distributed
 * deployment sees the requests it routed.
 *
 * @param intervalSeconds the length of each point's interval
 * @param points one per interval, the last one still filling
 * @param batchTasks successful requests of the whole span by the number of vFMs their batch held
 *     ({@code "1"}: ran alone; the last key counts that many or more)
 */
public record VfmHistory(
        String vfm,
        double intervalSeconds,
        List<TrafficPoint> points,
        Map<String, Long> batchTasks) {}
