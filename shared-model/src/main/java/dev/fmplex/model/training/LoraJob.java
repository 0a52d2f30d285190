package dev.fmplex.model.training;

import dev.fmplex.model.task.Pooling;
import java.util.List;

/**
 * What the control plane asks a worker to train for a {@code lora} job: the split examples, the
 * head's place and warm start, and the resolved recipe. Labels are indices into the task's labels.
 *
 * @param flowWeight the fair-share weight the job's passes get in the backbone's scheduler
 * @param layer the hidden-state index the head reads (1 = first layer's output)
 * @param headWeight {@code [labels][hidden]}, the warm start
 * @param targets projection roles, upper case ({@code QUERY}, {@code VALUE}, ...)
 */
public record LoraJob(
        String jobId,
        String backbone,
        double flowWeight,
        int layer,
        Pooling pooling,
        List<String> trainingTexts,
        int[] trainingLabels,
        List<String> validationTexts,
        int[] validationLabels,
        float[][] headWeight,
        float[] headBias,
        int rank,
        float alpha,
        List<String> targets,
        float learningRate,
        float weightDecay,
        int epochs,
        int batchRows,
        int patience,
        long seed) {}
