package dev.fmplex.model.api;

import java.util.List;

/**
 * Reply of {@code POST /vfms/{id}/infer}: one output per input, in input order.
 *
 * @param vfm the vFM id
 * @param version the vFM version that computed every output
 * @param usage what the inputs cost the backbone
 */
public record InferResponse(
        String vfm, int version, List<TaskOutput> outputs, Timing timing, Usage usage) {}
