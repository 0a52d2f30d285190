package dev.fmplex.model.api;

import java.util.List;

/**
 * Body of {@code POST /vfms/{id}/training-jobs}.
 *
 * @param recipe {@code head} (default): fit only the head on the frozen backbone's features; {@code
 *     lora}: LoRA adapters and the head trained together on the backbone, starting from the fitted
 *     head, with early stopping on a held-out split (text classification)
 * @param examples the labelled dataset, inline (1 to {@value #MAX_EXAMPLES} examples)
 * @param folds k of the cross-validation that chooses the L2 strength (2 to 20, default 5)
 * @param seed shuffles the folds, the validation split and LoRA's initialisation and example order
 *     (default 0); the same seed and data give the same version
 * @param lora the {@code lora} recipe's settings (defaults when left out)
 */
public record TrainingJobRequest(
        String recipe, List<TrainingExample> examples, Integer folds, Long seed, LoraOptions lora) {

    /** The most examples one job takes. */
    public static final int MAX_EXAMPLES = 2_000;
}
