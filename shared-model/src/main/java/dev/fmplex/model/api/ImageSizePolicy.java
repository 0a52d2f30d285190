package dev.fmplex.model.api;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.Arrays;

/** What a vision backbone does with an image whose size differs from the one it was trained at. */
public enum ImageSizePolicy {
    /** Resize it, as the backbone's {@code preprocessor_config.json} prescribes (the default). */
    RESIZE("resize"),
    /** Reject it with 422: for callers that must not have their images resampled. */
    EXACT("exact");

    private final String wireName;

    ImageSizePolicy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Parses a request field; absent means {@link #RESIZE}. */
    public static ImageSizePolicy fromField(String field, String value) {
        if (value == null) {
            return RESIZE;
        }
        for (ImageSizePolicy policy : values()) {
            if (policy.wireName.equals(value)) {
                return policy;
            }
        }
        throw new FmplexException(
                ProblemType.INVALID_REQUEST,
                field,
                field
                        + " must be one of "
                        + Arrays.stream(values()).map(ImageSizePolicy::wireName).toList()
                        + ", is '"
                        + value
                        + "'");
    }
}
