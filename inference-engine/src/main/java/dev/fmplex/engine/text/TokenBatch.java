package dev.fmplex.engine.text;

import java.util.List;

/**
 * Rows of token ids right-padded to the longest row, as flat row-major arrays ready to become
 * tensors of shape {@code [rows, length]}.
 */
public record TokenBatch(int rows, int length, long[] ids, long[] typeIds, long[] attentionMask) {

    /** Pads {@code texts} with id 0, type 0 and mask 0 up to the longest row. */
    public static TokenBatch pad(List<EncodedText> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one row");
        }
        int rows = texts.size();
        int length = texts.stream().mapToInt(text -> text.ids().length).max().orElseThrow();
        long[] ids = new long[rows * length];
        long[] typeIds = new long[rows * length];
        long[] mask = new long[rows * length];
        for (int row = 0; row < rows; row++) {
            long[] rowIds = texts.get(row).ids();
            System.arraycopy(rowIds, 0, ids, row * length, rowIds.length);
            texts.get(row).copyTypeIds(typeIds, row * length);
            for (int t = 0; t < rowIds.length; t++) {
                mask[row * length + t] = 1;
            }
        }
        return new TokenBatch(rows, length, ids, typeIds, mask);
    }
}
