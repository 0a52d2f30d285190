package dev.fmplex.model.api;

import java.util.List;

/**
 * The {@code lora} recipe's settings in {@code POST /vfms/{id}/training-jobs}; every field may be
 * left out for its default.
 *
 * @param rank the adapters' rank {@code r} (1 to 64, default 8)
 * @param alpha {@code lora_alpha}; updates are scaled by {@code alpha / rank} (default 16)
 * @param targets the projections adapted in every layer, by role: {@code query}, {@code key},
 *     {@code value}, {@code attention_output}, {@code intermediate}, {@code output} (default {@code
 *     [query, value]}, PEFT's default for BERT)
 * @param learningRate AdamW's step size (in (0, 1], default 0.005)
 * @param weightDecay AdamW's decoupled weight decay (in [0, 1], default 0.01)
 * @param epochs the most passes over the training split (1 to 50, default 10)
 * @param batchRows examples per optimizer step (1 to 64, default 8)
 * @param patience epochs without a better validation loss before stopping early (1 to 50, default
 *     3)
 * @param validationFraction the share of examples held out, per label, for early stopping and the
 *     report (in [0.05, 0.5], default 0.2)
 */
public record LoraOptions(
        Integer rank,
        Double alpha,
        List<String> targets,
        Double learningRate,
        Double weightDecay,
        Integer epochs,
        Integer batchRows,
        Integer patience,
        Double validationFraction) {}
