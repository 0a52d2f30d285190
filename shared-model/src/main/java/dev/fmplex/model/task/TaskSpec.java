package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The task a vFM performs on top of its backbone, selected on the wire by {@code kind}.
 *
 * <p>Every kind chooses its features: {@code layer} is the hidden-state index the head reads (as
 * Hugging Face's {@code hidden_states[layer]}: 0 is the embedding output, the backbone's layer
 * count the last layer, and absent means the last), so a smaller value exits early. Records are
 * normalized on construction: optional fields get their documented defaults, so a stored spec says
 * exactly what runs (only {@code layer} stays absent until a backbone resolves it).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = EmbeddingTask.class, name = EmbeddingTask.KIND),
    @JsonSubTypes.Type(value = ClassificationTask.class, name = ClassificationTask.KIND),
    @JsonSubTypes.Type(value = RegressionTask.class, name = RegressionTask.KIND),
    @JsonSubTypes.Type(value = TokenClassificationTask.class, name = TokenClassificationTask.KIND),
    @JsonSubTypes.Type(value = ForecastingTask.class, name = ForecastingTask.KIND),
    @JsonSubTypes.Type(
            value = ZeroShotClassificationTask.class,
            name = ZeroShotClassificationTask.KIND)
})
public sealed interface TaskSpec
        permits EmbeddingTask,
                ClassificationTask,
                RegressionTask,
                TokenClassificationTask,
                ForecastingTask,
                ZeroShotClassificationTask {

    /** The wire name of this task kind, e.g. {@code embedding}. */
    String kind();

    /** Hidden-state index the head reads; null means the backbone's last layer. */
    Integer layer();

    /** How token states become one vector (token classification reads every token). */
    Pooling pooling();

    /** Whether this kind needs trained head weights in an uploaded version before it serves. */
    boolean needsHead();

    /**
     * What missing values in a time series do; null (absent) means {@link MissingValues#REJECT}.
     * Only time-series backbones have missing values.
     */
    default MissingValues missingValues() {
        return null;
    }
}
