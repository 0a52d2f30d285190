package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The task a vFM performs on top of its backbone, selected on the wire by {@code kind}.
 *
 * <p>Records are normalized on construction: optional fields get their documented defaults, so a
 * stored spec always says exactly what runs.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({@JsonSubTypes.Type(value = EmbeddingTask.class, name = EmbeddingTask.KIND)})
public sealed interface TaskSpec permits EmbeddingTask {

    /** The wire name of this task kind, e.g. {@code embedding}. */
    String kind();
}
