package dev.fmplex.worker.inference;

import ai.djl.Device;
import dev.fmplex.engine.family.ExecutionPath;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Worker settings ({@code fmplex.worker.*}).
 *
 * @param device where backbones run: {@code cpu}, {@code gpu} (CUDA, fails if absent) or {@code
 *     auto}
 * @param maxInputsPerRequest most inputs one infer call may carry; a vFM quota may lower it
 * @param maxTokens token limit per text input, special tokens included, for every text backbone
 *     (capped at a checkpoint's positions; at most 512 for the bundled MiniLM)
 * @param maxBatchTokens most padded tokens (rows x longest row) in one forward pass; also the
 *     scheduler's batch budget. Keeps every activation under glibc's mmap threshold.
 * @param maxBatchRows most rows in one batch
 * @param policy batch formation: {@code fair} (default); {@code fifo} and {@code per-task} exist as
 *     benchmark baselines
 * @param maxWaitMs how long the scheduler may hold a non-full batch to let it grow (0: never)
 * @param maxBatchMs a batch's predicted execution time, beyond which no more requests join it (0:
 *     no limit): what bounds the wait of a light vFM's request behind the batch in flight
 * @param queueCapacity requests a vFM may have queued before new ones get 429
 * @param defaultTimeoutMs a request's deadline when it sets no {@code timeoutMs}
 * @param executorLanes batches in flight at once per backbone, each lane on an even share of the
 *     cores' intra-op threads (1: one batch at a time on all cores)
 * @param execution how forward passes are computed: {@code auto} (default: {@code onnxruntime} on
 *     the CPU, {@code eager} on a GPU), {@code eager} (DJL, op by op; the reference, CPU or GPU) or
 *     {@code onnxruntime} (a graph FMplex builds per backbone over the same weights, CPU only;
 *     families without one run eagerly); text backbones have both
 * @param bundledBackbone whether to load the bundled {@code all-minilm-l6-v2}
 * @param checkpoints further backbones by name, each a Hugging Face checkpoint directory, loaded by
 *     the installed family whose {@code model_type} its {@code config.json} names ({@code bert},
 *     {@code vit}, {@code clip}, {@code patchtst}, or any family on the classpath; an unknown type
 *     stops the worker naming the accepted ones), e.g. {@code
 *     fmplex.worker.checkpoints.bert-base=/models/bert-base-uncased}
 * @param controlPlaneUrl the control plane this worker registers and heartbeats with; unset for a
 *     worker on its own (or inside the standalone server)
 * @param advertisedHost the host name the control plane reaches this worker at
 * @param memoryBudget what the control plane may place on this worker: backbones plus vFM versions
 */
@ConfigurationProperties("fmplex.worker")
public record WorkerProperties(
        @DefaultValue("auto") String device,
        @DefaultValue("64") int maxInputsPerRequest,
        @DefaultValue("256") int maxTokens,
        @DefaultValue("2048") int maxBatchTokens,
        @DefaultValue("32") int maxBatchRows,
        @DefaultValue("fair") String policy,
        @DefaultValue("0") int maxWaitMs,
        @DefaultValue("0") int maxBatchMs,
        @DefaultValue("256") int queueCapacity,
        @DefaultValue("30000") int defaultTimeoutMs,
        @DefaultValue("1") int executorLanes,
        @DefaultValue("auto") String execution,
        @DefaultValue("true") boolean bundledBackbone,
        Map<String, Path> checkpoints,
        String controlPlaneUrl,
        @DefaultValue("localhost") String advertisedHost,
        @DefaultValue("4GB") DataSize memoryBudget) {

    /** The longest {@code timeoutMs} a request may ask for. */
    public static final int MAX_TIMEOUT_MS = 600_000;

    public WorkerProperties {
        requireAtLeast("max-inputs-per-request", maxInputsPerRequest, 1);
        requireAtLeast("max-batch-tokens", maxBatchTokens, 1);
        requireAtLeast("max-batch-rows", maxBatchRows, 1);
        requireAtLeast("max-wait-ms", maxWaitMs, 0);
        requireAtLeast("max-batch-ms", maxBatchMs, 0);
        requireAtLeast("queue-capacity", queueCapacity, 1);
        requireAtLeast("default-timeout-ms", defaultTimeoutMs, 1);
        requireAtLeast("executor-lanes", executorLanes, 1);
        try {
            ExecutionPath.forSetting(execution, Device.cpu());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fmplex.worker.execution: " + e.getMessage(), e);
        }
        checkpoints = checkpoints == null ? Map.of() : Map.copyOf(checkpoints);
        if (!bundledBackbone && checkpoints.isEmpty()) {
            throw new IllegalArgumentException(
                    "a worker needs a backbone: keep fmplex.worker.bundled-backbone=true or set"
                            + " fmplex.worker.checkpoints.<name>=<directory>");
        }
    }

    private static void requireAtLeast(String name, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(
                    "fmplex.worker." + name + " must be >= " + minimum + ", is " + value);
        }
    }
}
