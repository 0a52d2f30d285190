package dev.fmplex.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.fmplex.model.task.Pooling;

/** Reduces hidden states {@code [rows, length, hidden]} to one vector per row. */
public final class Pooler {

    private static final float NORM_EPS = 1e-12f;

    private Pooler() {}

    /**
     * Pools {@code hidden} over the positions where {@code attentionMask} ({@code [rows, length]},
     * 1 for real tokens) is set; padding never contributes.
     */
    public static NDArray pool(NDArray hidden, NDArray attentionMask, Pooling pooling) {
        return switch (pooling) {
            case CLS -> hidden.get(new NDIndex(":, 0, :"));
            case MEAN -> {
                NDArray mask = attentionMask.toType(DataType.FLOAT32, false).expandDims(2);
                NDArray counts = mask.sum(new int[] {1}).clip(1e-9f, Float.MAX_VALUE);
                yield hidden.mul(mask).sum(new int[] {1}).div(counts);
            }
            case MAX -> {
                NDArray mask = attentionMask.toType(DataType.FLOAT32, false).expandDims(2);
                // Padding positions drop far below any real value before the maximum.
                yield hidden.add(mask.sub(1f).mul(1e9f)).max(new int[] {1});
            }
        };
    }

    /** Scales each row to unit L2 norm, as {@code torch.nn.functional.normalize(p=2, dim=1)}. */
    public static NDArray l2Normalize(NDArray vectors) {
        NDArray norms = vectors.norm(new int[] {1}, true).clip(NORM_EPS, Float.MAX_VALUE);
        return vectors.div(norms);
    }
}
