package dev.fmplex.engine.training;

import dev.fmplex.engine.nn.Projection;
import java.util.List;

/**
 * A trained LoRA adapter with its classifier head, in PyTorch's layouts, and how training went.
 *
 * @param modules every adapted projection
 * @param headWeight {@code [labels][features]}
 * @param headBias {@code [labels]}
 * @param epochs one entry per epoch run; the kept weights are those of {@code bestEpoch}
 * @param startValidationLoss the validation loss before the first step (the warm-start head alone)
 * @param bestEpoch the epoch whose weights are kept (1-based); 0 when no epoch beat the start
 * @param stoppedEarly whether it stopped before its last epoch for lack of improvement
 */
public record TrainedAdapter(
        LoraRecipe recipe,
        List<Module> modules,
        float[][] headWeight,
        float[] headBias,
        List<Epoch> epochs,
        double startValidationLoss,
        int bestEpoch,
        boolean stoppedEarly) {

    /**
     * One adapted projection: {@code lora_A [rank, in]} and {@code lora_B [out, rank]}, row-major.
     */
    public record Module(int layer, Projection role, long in, long out, float[] a, float[] b) {}

    /** What one epoch ended with. */
    public record Epoch(
            int epoch, double trainingLoss, double validationLoss, double validationAccuracy) {}

    /** The best validation loss reached: the kept weights'. */
    public double bestValidationLoss() {
        return bestEpoch == 0 ? startValidationLoss : epochs.get(bestEpoch - 1).validationLoss();
    }
}
