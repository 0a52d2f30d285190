package dev.fmplex.engine.input;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request's input that a backbone cannot take, found while checking or converting it: which
 * input, why, and the limits it broke. Carries no transport: the worker maps each {@link Reason} to
 * its problem type in one place.
 */
public class InvalidInputException extends RuntimeException {

    /** Why an input was refused; one per kind of client mistake. */
    public enum Reason {
        /** More inputs than the request may carry (the worker's limit or the vFM's quota). */
        TOO_MANY_INPUTS,
        /** More tokens than the backbone's limit, and the request asked not to cut it. */
        INPUT_TOO_LONG,
        /**
         * An input of another modality than the backbone's or the vFM's (text to an image
         * backbone).
         */
        WRONG_MODALITY,
        /** Bytes that do not decode (bad base64, not a PNG or JPEG). */
        UNDECODABLE_INPUT,
        /** A tensor, image or series of the wrong shape or size. */
        WRONG_INPUT_SHAPE,
        /**
         * A value the backbone cannot compute with (a missing value under reject, a non-number).
         */
        INVALID_INPUT_VALUE,
        /** Request options that contradict each other or the backbone. */
        INVALID_REQUEST
    }

    private final Reason reason;
    private final String field;
    private final Map<String, Object> limits;

    public InvalidInputException(Reason reason, String field, String detail) {
        this(reason, field, detail, Map.of(), null);
    }

    /**
     * @param field the JSON path of the offending input, e.g. {@code inputs[2].image}; null when
     *     the request as a whole is at fault
     * @param limits what was allowed and what came, e.g. {@code limit} and {@code actual}, for
     *     clients to read instead of parsing {@code detail}
     */
    public InvalidInputException(
            Reason reason,
            String field,
            String detail,
            Map<String, Object> limits,
            Throwable cause) {
        super(detail, cause);
        this.reason = reason;
        this.field = field;
        this.limits = Collections.unmodifiableMap(new LinkedHashMap<>(limits));
    }

    public Reason reason() {
        return reason;
    }

    public String field() {
        return field;
    }

    public Map<String, Object> limits() {
        return limits;
    }
}
