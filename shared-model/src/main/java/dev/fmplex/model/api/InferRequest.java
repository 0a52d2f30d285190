package dev.fmplex.model.api;

import java.util.List;

/**
 * Body of {@code POST /vfms/{id}/infer}.
 *
 * <p>Inputs are bound as plain JSON values, not strings, so that a number or an object in the list
 * is reported precisely ({@code inputs[2]}) instead of being silently coerced.
 *
 * @param inputs the texts to run, at least one
 * @param truncate whether inputs longer than the backbone's token limit are cut (the default) and
 *     reported per output, or rejected with 413
 * @param timeoutMs how long the request may take before it fails with 504; the worker's default
 *     when absent
 */
public record InferRequest(List<Object> inputs, Boolean truncate, Integer timeoutMs) {

    public InferRequest(List<Object> inputs, Boolean truncate) {
        this(inputs, truncate, null);
    }

    public boolean truncateOrDefault() {
        return truncate == null || truncate;
    }
}
