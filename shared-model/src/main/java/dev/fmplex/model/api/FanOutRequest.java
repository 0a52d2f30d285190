package dev.fmplex.model.api;

import java.util.List;

/**
 * Body of {@code POST /infer}: the same inputs through several vFMs of one backbone in one call.
 *
 * @param vfms ids of the vFMs, at least one, no repeats
 */
public record FanOutRequest(
        List<String> vfms, List<Object> inputs, Boolean truncate, Integer timeoutMs) {

    /** The per-vFM request every listed vFM receives. */
    public InferRequest request() {
        return new InferRequest(inputs, truncate, timeoutMs);
    }
}
