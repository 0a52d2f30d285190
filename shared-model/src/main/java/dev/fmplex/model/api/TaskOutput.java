package dev.fmplex.model.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The result for one input; its shape depends on the vFM's task kind. The wire format carries no
 * type field: each kind has its own members ({@code embedding}, {@code label}, {@code value},
 * {@code tokens}, {@code forecast}), from which a reader (the control plane relaying a worker's
 * reply) deduces the kind.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
@JsonSubTypes({
    @JsonSubTypes.Type(EmbeddingOutput.class),
    @JsonSubTypes.Type(ClassificationOutput.class),
    @JsonSubTypes.Type(RegressionOutput.class),
    @JsonSubTypes.Type(TokenClassificationOutput.class),
    @JsonSubTypes.Type(ForecastOutput.class)
})
public sealed interface TaskOutput
        permits EmbeddingOutput,
                ClassificationOutput,
                RegressionOutput,
                TokenClassificationOutput,
                ForecastOutput {}
