package dev.fmplex.model.api;

import java.util.List;

/**
 * Body of {@code POST /infer}: the same inputs through several vFMs of one backbone in one call.
 *
 * @param vfms ids of the vFMs, at least one, no repeats
 * @param inputs, truncate, timeoutMs, imageSize as in {@link InferRequest}
 */
public record FanOutRequest(
        List<String> vfms,
        List<Object> inputs,
        Boolean truncate,
        Integer timeoutMs,
        String imageSize) {

    public FanOutRequest(
            List<String> vfms, List<Object> inputs, Boolean truncate, Integer timeoutMs) {
        this(vfms, inputs, truncate, timeoutMs, null);
    }

    /** The per-vFM request every listed vFM receives. */
    public InferRequest request() {
        return new InferRequest(inputs, truncate, timeoutMs, imageSize);
    }
}
