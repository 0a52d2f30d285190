package dev.fmplex.engine.family.clip;

import java.util.List;

/**
 * A batch of texts as CLIP's text tower takes it, on either execution path: token ids padded with 0
 * to the longest text, and where each text is pooled.
 *
 * @param rows texts in the batch
 * @param length positions per text, the longest one's
 * @param ids {@code [rows, length]} row-major, padded with 0
 * @param lengths each text's own length
 * @param ends each text's end-of-text position in the flattened {@code [rows, length]} layout
 */
record ClipTextRows(int rows, int length, long[] ids, int[] lengths, long[] ends) {

    /**
     * @param texts token ids of each text, special tokens included
     * @throws IllegalArgumentException when a text has more tokens than the tower has positions
     */
    static ClipTextRows of(ClipConfig.Text text, List<long[]> texts) {
        int rows = texts.size();
        int length = texts.stream().mapToInt(ids -> ids.length).max().orElseThrow();
        if (length > text.maxPositions()) {
            throw new IllegalArgumentException(
                    "text of "
                            + length
                            + " tokens exceeds the "
                            + text.maxPositions()
                            + " positions of the text tower");
        }
        long[] ids = new long[rows * length];
        int[] lengths = new int[rows];
        long[] ends = new long[rows];
        for (int r = 0; r < rows; r++) {
            long[] row = texts.get(r);
            System.arraycopy(row, 0, ids, r * length, row.length);
            lengths[r] = row.length;
            ends[r] = (long) r * length + endOfText(text, row);
        }
        return new ClipTextRows(rows, length, ids, lengths, ends);
    }

    /**
     * Where the text is pooled, by transformers' rule: the first position of the row's largest id
     * when the config carries the legacy {@code eos_token_id} 2 (the openai checkpoints, whose
     * end-of-text is the vocabulary's last id), else the first position of {@code eos_token_id}.
     */
    private static int endOfText(ClipConfig.Text text, long[] row) {
        int eos = text.eosTokenId();
        if (eos != ClipConfig.Text.LEGACY_EOS_TOKEN_ID) {
            for (int t = 0; t < row.length; t++) {
                if (row[t] == eos) {
                    return t;
                }
            }
        }
        int end = 0;
        for (int t = 1; t < row.length; t++) {
            end = row[t] > row[end] ? t : end;
        }
        return end;
    }
}
