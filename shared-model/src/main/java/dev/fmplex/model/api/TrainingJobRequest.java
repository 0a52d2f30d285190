package dev.fmplex.model.api;

import java.util.List;

/**
 * Body of {@code POST /vfms/{id}/training-jobs}.
 *
 * @param recipe {@code head}: fit only the head on the frozen backbone's features
 * @param examples the labelled dataset, inline (1 to {@value #MAX_EXAMPLES} examples)
 * @param folds k of the cross-validation that chooses the L2 strength (2 to 20, default 5)
 * @param seed shuffles the folds (default 0); the same seed and data give the same head
 */
public record TrainingJobRequest(
        String recipe, List<TrainingExample> examples, Integer folds, Long seed) {

    /** The most examples one job takes. */
    public static final int MAX_EXAMPLES = 2_000;
}
