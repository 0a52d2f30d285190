package dev.fmplex.model.api;

import java.util.List;

/**
 * What a finished training job measured, kept with the job: the L2 strengths it tried with their
 * mean held-out loss, the one it chose, and out-of-fold metrics at that strength (each example
 * predicted by the fold model that did not see it).
 *
 * @param confusion classification: {@code confusion[actual][predicted]} in the order of {@code
 *     labels}
 * @param rmse regression: root mean squared error
 */
public record TrainingReport(
        String recipe,
        int folds,
        long seed,
        double l2,
        List<Candidate> candidates,
        List<String> labels,
        Double accuracy,
        Double macroF1,
        long[][] confusion,
        Double rmse) {

    /** One L2 strength tried and its mean held-out loss (cross-entropy, or squared error). */
    public record Candidate(double l2, double heldOutLoss) {}
}
