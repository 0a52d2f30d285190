package dev.fmplex.engine.nn;

import ai.djl.ndarray.NDArray;

/**
 * Scaled dot-product attention split over heads, as every encoder here computes it once its
 * projections are done: {@code softmax(Q Kᵀ / sqrt(d) + mask) V}, per head, heads merged back.
 */
public final class MultiHeadAttention {

    private final int hidden;
    private final int heads;
    private final int headSize;
    private final float scale;

    public MultiHeadAttention(int hidden, int heads) {
        this.hidden = hidden;
        this.heads = heads;
        this.headSize = hidden / heads;
        this.scale = (float) (1.0 / Math.sqrt(headSize));
    }

    /**
     * @param query, key, value projected states {@code [rows, length, hidden]}
     * @param scoreMask added to the scores, broadcast to {@code [rows, heads, length, length]};
     *     null when every position may attend to every other
     * @return the context {@code [rows, length, hidden]}
     */
    public NDArray attend(NDArray query, NDArray key, NDArray value, NDArray scoreMask) {
        long rows = query.getShape().get(0);
        long length = query.getShape().get(1);
        // The 1/sqrt(d) scale is folded into the queries: one multiply on [rows, length, hidden].
        NDArray scores = split(query.mul(scale)).matMul(split(key).transpose(0, 1, 3, 2));
        if (scoreMask != null) {
            scores = scores.add(scoreMask);
        }
        NDArray context = scores.softmax(-1).matMul(split(value));
        return context.transpose(0, 2, 1, 3).reshape(rows, length, hidden);
    }

    /** [rows, length, hidden] -> [rows, heads, length, headSize]. */
    private NDArray split(NDArray states) {
        long rows = states.getShape().get(0);
        long length = states.getShape().get(1);
        return states.reshape(rows, length, heads, headSize).transpose(0, 2, 1, 3);
    }
}
