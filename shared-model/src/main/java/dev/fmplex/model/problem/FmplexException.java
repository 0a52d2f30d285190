package dev.fmplex.model.problem;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request-level failure with a problem type, a precise detail, and the offending field.
 *
 * <p>Extra properties (a limit, an actual size) travel to the problem document unchanged, so a
 * client can read them instead of parsing the detail text.
 */
public class FmplexException extends RuntimeException {

    private final ProblemType type;
    private final String field;
    private final Map<String, Object> properties;

    public FmplexException(ProblemType type, String field, String detail) {
        this(type, field, detail, Map.of(), null);
    }

    public FmplexException(
            ProblemType type,
            String field,
            String detail,
            Map<String, Object> properties,
            Throwable cause) {
        super(detail, cause);
        this.type = type;
        this.field = field;
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /**
     * The one answer for a vFM id the caller cannot see: a vFM that does not exist and another
     * tenant's vFM read exactly alike, so an answer never tells that an id is in use.
     */
    public static FmplexException unknownVfm(String id) {
        return new FmplexException(ProblemType.UNKNOWN_VFM, "id", "no vFM with id '" + id + "'");
    }

    public ProblemType type() {
        return type;
    }

    /** The JSON path of the offending field, e.g. {@code inputs[2]}; null when none applies. */
    public String field() {
        return field;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
