package dev.fmplex.model.problem;

import java.net.URI;

/**
 * The catalogue of problem types: a stable URI slug, a human title and the HTTP status.
 *
 * <p>Clients may branch on {@link #uri()}; titles and details are for people.
 */
public enum ProblemType {
    INVALID_REQUEST("invalid-request", "Invalid request", 400),
    MALFORMED_JSON("malformed-json", "Malformed JSON", 400),
    UNKNOWN_VFM("unknown-vfm", "Unknown vFM", 404),
    UNKNOWN_BACKBONE("unknown-backbone", "Unknown backbone", 422),
    INVALID_TASK("invalid-task", "Invalid task", 422),
    DUPLICATE_NAME("duplicate-name", "Name already in use", 409),
    VFM_NOT_SERVING("vfm-not-serving", "vFM is not serving", 409),
    VERSION_CONFLICT("version-conflict", "Concurrent version upload", 409),
    INVALID_TRANSITION("invalid-transition", "Invalid lifecycle transition", 409),
    CONCURRENT_CHANGE("concurrent-change", "Concurrent change", 409),
    TOO_MANY_INPUTS("too-many-inputs", "Too many inputs", 413),
    INPUT_TOO_LONG("input-too-long", "Input too long", 413),
    WRONG_MODALITY("wrong-modality", "Input of another modality than the backbone's", 422),
    UNDECODABLE_INPUT("undecodable-input", "Input cannot be decoded", 422),
    WRONG_INPUT_SHAPE("wrong-input-shape", "Input has the wrong shape", 422),
    INVALID_INPUT_VALUE("invalid-input-value", "Input holds an invalid value", 422),
    REQUEST_TOO_LARGE("request-too-large", "Request body too large", 413),
    INVALID_ARTIFACT("invalid-artifact", "Invalid artifact", 422),
    VFM_NOT_LOADED("vfm-not-loaded", "vFM not loaded on the worker", 503),
    VFM_PAUSED("vfm-paused", "vFM is paused", 409),
    QUEUE_FULL("queue-full", "vFM queue is full", 429),
    DEADLINE_EXCEEDED("deadline-exceeded", "Request deadline exceeded", 504),
    SHUTTING_DOWN("shutting-down", "Worker is shutting down", 503),
    VFM_FAILED("vfm-failed", "vFM failed", 500),
    NO_REPLICA("no-replica", "No worker can serve the vFM", 503),
    UNKNOWN_WORKER("unknown-worker", "Unknown worker", 404),
    BACKBONE_UNAVAILABLE("backbone-unavailable", "Backbone not loaded", 503),
    UNAUTHENTICATED("unauthenticated", "Missing or invalid credentials", 401),
    FORBIDDEN("forbidden", "Not allowed for this key", 403),
    RATE_LIMITED("rate-limited", "Rate limit exceeded", 429),
    UNKNOWN_KEY("unknown-key", "Unknown API key", 404),
    UNKNOWN_TENANT("unknown-tenant", "Unknown tenant", 404),
    UNKNOWN_TRAINING_JOB("unknown-training-job", "Unknown training job", 404),
    UNKNOWN_FILE("unknown-file", "Unknown version or file", 404),
    TRAINING_UNAVAILABLE("training-unavailable", "Training is not available here", 503),
    TRAINING_OVER_BUDGET(
            "training-over-budget", "Training job over the worker's memory budget", 422),
    NO_SUCH_ROUTE("no-such-route", "No such route", 404),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
    NOT_ACCEPTABLE("not-acceptable", "No acceptable representation", 406),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
    INTERNAL_ERROR("internal-error", "Internal error", 500);

    /** The type whose URI ends in {@code slug}, if any (for problems relayed from workers). */
    public static java.util.Optional<ProblemType> fromSlug(String slug) {
        for (ProblemType type : values()) {
            if (type.slug.equals(slug)) {
                return java.util.Optional.of(type);
            }
        }
        return java.util.Optional.empty();
    }

    /** Base of every problem type URI; the slug is appended. */
    public static final String BASE_URI = "https://fmplex.dev/problems/";

    private final String slug;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    public URI uri() {
        return URI.create(BASE_URI + slug);
    }

    /** The last segment of {@link #uri()}, e.g. {@code invalid-artifact}. */
    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }
}
