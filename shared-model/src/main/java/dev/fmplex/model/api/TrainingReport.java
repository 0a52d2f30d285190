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
 * @param lora the {@code lora} recipe's training (null for {@code head}); its head fields above
 *     then describe the warm-start head, cross-validated on the training split
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
        Double rmse,
        LoraReport lora) {

    /** One L2 strength tried and its mean held-out loss (cross-entropy, or squared error). */
    public record Candidate(double l2, double heldOutLoss) {}

    /** What one epoch of {@code lora} training ended with. */
    public record Epoch(
            int epoch, double trainingLoss, double validationLoss, double validationAccuracy) {}

    /**
     * How {@code lora} training went, measured on the held-out validation split.
     *
     * @param headValidationLoss the warm-start head alone on the frozen backbone (mean
     *     cross-entropy): the {@code head} recipe's result on this split
     * @param validationLoss the kept adapter and head (that of {@code bestEpoch})
     * @param bestEpoch the epoch whose weights the version holds; 0 when none beat the head alone
     *     (the version then holds the warm-start head and adapters that change nothing)
     */
    public record LoraReport(
            int rank,
            double alpha,
            List<String> targets,
            double learningRate,
            double weightDecay,
            int batchRows,
            int trainingExamples,
            int validationExamples,
            double headValidationLoss,
            double headValidationAccuracy,
            double validationLoss,
            double validationAccuracy,
            int bestEpoch,
            boolean stoppedEarly,
            List<Epoch> epochs) {}
}
