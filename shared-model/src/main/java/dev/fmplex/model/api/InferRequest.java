package dev.fmplex.model.api;

import java.util.List;

/**
 * Body of {@code POST /vfms/{id}/infer}.
 *
 * <p>Inputs are bound as plain JSON values, not strings, so that a number or an object in the list
 * is reported precisely ({@code inputs[2]}) instead of being silently coerced. What one input is
 * depends on the backbone's modality: a string on a text backbone; {@code {"image": base64}} or
 * {@code {"pixels": [[[...]]]}} on a vision backbone.
 *
 * @param inputs the inputs to run, at least one
 * @param truncate whether text inputs longer than the backbone's token limit are cut (the default)
 *     and reported per output, or rejected with 413
 * @param timeoutMs how long the request may take before it fails with 504; the worker's default
 *     when absent
 * @param imageSize what happens to an image whose size differs from the backbone's: {@code resize}
 *     (the default) resizes it as the backbone's preprocessor prescribes, {@code exact} rejects it
 *     with 422 (see {@link ImageSizePolicy})
 */
public record InferRequest(
        List<Object> inputs, Boolean truncate, Integer timeoutMs, String imageSize) {

    public InferRequest(List<Object> inputs, Boolean truncate, Integer timeoutMs) {
        this(inputs, truncate, timeoutMs, null);
    }

    public InferRequest(List<Object> inputs, Boolean truncate) {
        this(inputs, truncate, null, null);
    }

    public boolean truncateOrDefault() {
        return truncate == null || truncate;
    }

    /** The image size policy, or a 400 naming {@code imageSize} when it is not a known one. */
    public ImageSizePolicy imageSizePolicy() {
        return ImageSizePolicy.fromField("imageSize", imageSize);
    }
}
