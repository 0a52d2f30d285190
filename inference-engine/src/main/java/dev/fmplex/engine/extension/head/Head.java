package dev.fmplex.engine.extension.head;

import ai.djl.ndarray.NDArray;
import dev.fmplex.model.api.TaskOutput;
import java.util.List;

/** Turns features of a vFM's rows into that vFM's outputs. */
public sealed interface Head
        permits EmbeddingHead,
                ForecastHead,
                LinearClassifierHead,
                MlpClassifierHead,
                RegressionHead,
                TokenClassifierHead,
                ZeroShotHead {

    /**
     * @param features pooled features {@code [rows, hidden]}, or for a {@link #tokenLevel()} head
     *     the hidden states {@code [rows, length, hidden]}
     * @throws HeadFailure when the outputs are not finite
     */
    List<TaskOutput> apply(NDArray features, List<HeadRow> rows);

    /** Whether the head reads every token's state instead of pooled features. */
    default boolean tokenLevel() {
        return false;
    }

    /**
     * Whether the head reads a multichannel series' pooled features per channel, {@code [rows,
     * channels, hidden]}, instead of one vector per input (the channels' features concatenated).
     */
    default boolean channelLevel() {
        return false;
    }

    /** Bytes of the head's own weights. */
    long byteSize();

    static long bytesOf(NDArray... arrays) {
        long bytes = 0;
        for (NDArray array : arrays) {
            if (array != null) {
                bytes += array.size() * array.getDataType().getNumOfBytes();
            }
        }
        return bytes;
    }

    static float[] requireFinite(float[] values, String what) {
        for (float value : values) {
            if (!Float.isFinite(value)) {
                throw new HeadFailure(what + " produced a non-finite value (" + value + ")");
            }
        }
        return values;
    }
}
