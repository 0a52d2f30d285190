package dev.fmplex.model.api;

/** The result for one input; its shape depends on the vFM's task kind. */
public sealed interface TaskOutput
        permits EmbeddingOutput,
                ClassificationOutput,
                RegressionOutput,
                TokenClassificationOutput {}
