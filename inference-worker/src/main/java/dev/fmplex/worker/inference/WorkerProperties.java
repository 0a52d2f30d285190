package dev.fmplex.worker.inference;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Worker settings ({@code fmplex.worker.*}).
 *
 * @param device where backbones run: {@code cpu}, {@code gpu} (CUDA, fails if absent) or {@code
 *     auto}
 * @param maxInputsPerRequest most inputs one infer call may carry; a vFM quota may lower it
 * @param maxTokens token limit per input for the bundled backbone, special tokens included (at most
 *     its 512 positions)
 * @param maxBatchTokens most padded tokens (rows x longest row) in one forward pass; larger
 *     requests run as several passes. Keeps every activation under glibc's mmap threshold.
 */
@ConfigurationProperties("fmplex.worker")
public record WorkerProperties(
        @DefaultValue("auto") String device,
        @DefaultValue("64") int maxInputsPerRequest,
        @DefaultValue("256") int maxTokens,
        @DefaultValue("2048") int maxBatchTokens) {

    public WorkerProperties {
        if (maxInputsPerRequest < 1) {
            throw new IllegalArgumentException(
                    "fmplex.worker.max-inputs-per-request must be >= 1, is " + maxInputsPerRequest);
        }
        if (maxBatchTokens < 1) {
            throw new IllegalArgumentException(
                    "fmplex.worker.max-batch-tokens must be >= 1, is " + maxBatchTokens);
        }
    }
}
