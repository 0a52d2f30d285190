package dev.fmplex.engine.training;

import dev.fmplex.engine.nn.Projection;
import java.util.List;

/**
 * How to train a LoRA adapter and a classifier head together.
 *
 * @param rank {@code r}, the adapters' rank
 * @param alpha LoRA's {@code lora_alpha}; the update is scaled by {@code alpha / r}
 * @param targets the projections adapted in every layer
 * @param learningRate AdamW's step size, for the adapters and the head alike
 * @param weightDecay AdamW's decoupled weight decay
 * @param epochs the most passes over the training split
 * @param batchRows examples per optimizer step
 * @param patience epochs without a better validation loss before training stops early
 * @param seed for the adapters' initialisation and the order of examples in each epoch
 */
public record LoraRecipe(
        int rank,
        float alpha,
        List<Projection> targets,
        float learningRate,
        float weightDecay,
        int epochs,
        int batchRows,
        int patience,
        long seed) {

    public LoraRecipe {
        targets = List.copyOf(targets);
        if (rank < 1 || epochs < 1 || batchRows < 1 || patience < 1 || targets.isEmpty()) {
            throw new IllegalArgumentException(
                    "rank, epochs, batchRows and patience must be >= 1 and targets non-empty");
        }
        if (!(alpha > 0) || !(learningRate > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException(
                    "alpha and learningRate must be > 0, weightDecay >= 0");
        }
    }

    /** {@code alpha / r}, what the low-rank product is multiplied by. */
    public float scale() {
        return alpha / rank;
    }
}
