package dev.fmplex.engine.family.bert;

import dev.fmplex.engine.nn.Projection;
import java.util.List;
import java.util.Locale;

/**
 * What a {@link BertLoraTrainer} job holds at its peak, estimated before it starts so a worker can
 * refuse a job over its budget instead of running out of memory beside the vFMs it serves.
 *
 * @param copyBytes the eager copy of the backbone's weights, when the serving backbone holds none
 *     (it serves on ONNX Runtime); 0 otherwise
 * @param trainableBytes the adapter's and head's arrays, each with its gradient and AdamW's two
 *     moments
 * @param activationBytes what one pass keeps for its backward: an upper estimate of 24 floats per
 *     hidden unit per token and layer (inputs and outputs of every projection, normalizations,
 *     feed-forward activations) plus two attention maps per head
 */
public record BertTrainingMemory(long copyBytes, long trainableBytes, long activationBytes) {

    private static final int FLOAT = Float.BYTES;

    /** Arrays kept per trained value: itself, its gradient, AdamW's first and second moments. */
    private static final int COPIES_PER_PARAMETER = 4;

    private static final int FLOATS_PER_HIDDEN_UNIT = 24;

    /**
     * @param layers encoder layers the job runs (those below its head)
     * @param passRows,passTokens the largest pass: rows and padded length
     */
    public static BertTrainingMemory estimate(
            BertConfig config,
            long copyBytes,
            int layers,
            List<Projection> targets,
            int rank,
            int labels,
            int passRows,
            int passTokens) {
        long h = config.hiddenSize();
        long perLayer = 0;
        for (Projection target : targets) {
            long in = target == Projection.OUTPUT ? config.intermediateSize() : h;
            long out = target == Projection.INTERMEDIATE ? config.intermediateSize() : h;
            perLayer += (long) rank * (in + out);
        }
        long trainable = (perLayer * layers + h * labels + labels) * COPIES_PER_PARAMETER * FLOAT;
        long tokens = (long) passRows * passTokens;
        long activations =
                layers
                        * (tokens * h * FLOATS_PER_HIDDEN_UNIT
                                + 2L * passRows * config.attentionHeads() * passTokens * passTokens)
                        * FLOAT;
        return new BertTrainingMemory(copyBytes, trainable, activations);
    }

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
