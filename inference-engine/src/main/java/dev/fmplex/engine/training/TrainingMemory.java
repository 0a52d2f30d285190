package dev.fmplex.engine.training;

import java.util.Locale;

/**
 * What a LoRA training job holds at its peak, estimated by its family ({@link
 * LoraTraining#estimate}) before it starts, so a worker can refuse a job over its budget instead of
 * running out of memory beside the vFMs it serves.
 *
 * @param copyBytes the eager copy of the backbone's weights, when the serving backbone holds none
 *     (it serves on ONNX Runtime); 0 otherwise
 * @param trainableBytes the adapter's and head's arrays, each with its gradient and AdamW's two
 *     moments
 * @param activationBytes what one pass keeps for its backward
 */
public record TrainingMemory(long copyBytes, long trainableBytes, long activationBytes) {

    public long totalBytes() {
        return copyBytes + trainableBytes + activationBytes;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%.1f MB (eager copy of the backbone %.1f MB, adapter and head with gradients and"
                        + " optimizer state %.1f MB, one pass's activations %.1f MB)",
                mb(totalBytes()),
                mb(copyBytes),
                mb(trainableBytes),
                mb(activationBytes));
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
