package dev.fmplex.engine.execution;

import dev.fmplex.engine.text.EncodedText;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Splits rows into forward passes of at most a padded-token budget, longest rows first so rows of
 * similar length share a pass and little is spent on padding.
 *
 * <p>A pass pads every row to its longest, so one long row among short ones multiplies the work of
 * all of them (17 one-sentence rows beside one 120-token passage cost 17 x 120 tokens). The plan
 * therefore minimizes padded tokens plus a fixed cost per pass, over every split of the rows sorted
 * by length (an exact dynamic program; batches are small): a long row gets a pass of its own when
 * that is cheaper than padding the rest to it.
 *
 * <p>The budget also bounds the size of every intermediate tensor. That matters more than it seems:
 * glibc serves allocations above its mmap threshold (at most 32 MB) with fresh mmap'd pages, so a
 * forward whose feed-forward activations exceed it pays a page fault per 4 KB on every op; on
 * MiniLM a 256-row batch ran at half the throughput of 32-row batches for that reason alone.
 * Measured on 2 cores, budgets of 1024-2048 padded tokens did best (the worker's default is 2048).
 */
public final class MicroBatches {

    /**
     * A pass's fixed cost in multiply-adds per layer: the cluster calibration on this project's
     * 2-core reference machine measured 1.29 ms per layer per pass against 22.1 ms per GMAC of
     * projections (one intra-op thread), that is about 58 M multiply-adds. With more intra-op
     * threads per lane the token work speeds up more than the per-op cost, so there the plan splits
     * somewhat more often than the true optimum (not yet measured per thread count).
     */
    private static final double PASS_COST_MACS_PER_LAYER = 5.8e7;

    /** The pass cost of the bundled MiniLM, in tokens; the default when no shape is known. */
    static final int DEFAULT_PASS_OVERHEAD_TOKENS = 33;

    private MicroBatches() {}

    /**
     * The pass cost in positions of any pre-norm or post-norm transformer encoder of this width:
     * what a position costs is its layers' matrix products, whatever the modality.
     */
    public static int passOverheadUnits(int hiddenSize, int intermediateSize) {
        double h = hiddenSize;
        double macsPerTokenLayer = 4 * h * h + 2 * h * intermediateSize;
        return (int)
                Math.max(
                        1,
                        Math.min(1024, Math.round(PASS_COST_MACS_PER_LAYER / macsPerTokenLayer)));
    }

    /** Plans passes with the bundled backbone's pass cost ({@link #plan(List, int, int)}). */
    public static List<List<Integer>> plan(List<EncodedText> rows, int maxPaddedTokens) {
        return plan(rows, maxPaddedTokens, DEFAULT_PASS_OVERHEAD_TOKENS);
    }

    /**
     * Plans passes over {@code rows}.
     *
     * @param passOverheadTokens what one more pass costs, in padded tokens
     * @return row indices per pass, longest rows first; each pass holds at least one row, and any
     *     pass of two or more rows has {@code rows x longest <= maxPaddedTokens}
     */
    public static List<List<Integer>> plan(
            List<EncodedText> rows, int maxPaddedTokens, int passOverheadTokens) {
        return planUnits(
                rows.stream().mapToInt(EncodedText::units).toArray(),
                maxPaddedTokens,
                passOverheadTokens);
    }

    /**
     * {@link #plan(List, int, int)} over rows given by their widths in positions (tokens, patches),
     * whatever their modality.
     */
    public static List<List<Integer>> planUnits(
            int[] widths, int maxPaddedTokens, int passOverheadTokens) {
        if (maxPaddedTokens < 1) {
            throw new IllegalArgumentException(
                    "maxPaddedTokens must be >= 1, is " + maxPaddedTokens);
        }
        if (passOverheadTokens < 0) {
            throw new IllegalArgumentException(
                    "passOverheadTokens must be >= 0, is " + passOverheadTokens);
        }
        List<Integer> order =
                IntStream.range(0, widths.length)
                        .boxed()
                        .sorted(Comparator.comparingInt((Integer i) -> widths[i]).reversed())
                        .toList();
        int n = order.size();
        // cost[i]: cheapest plan of the i longest rows; start[i]: where its last pass begins. A
        // pass over sorted rows j..i-1 is padded to row j, the longest of them.
        long[] cost = new long[n + 1];
        int[] start = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            cost[i] = Long.MAX_VALUE;
            for (int j = i - 1; j >= 0; j--) {
                long padded = (long) (i - j) * widths[order.get(j)];
                if (i - j > 1 && padded > maxPaddedTokens) {
                    break; // a longer pass starting earlier is only wider
                }
                long total = cost[j] + passOverheadTokens + padded;
                if (total <= cost[i]) {
                    cost[i] = total;
                    start[i] = j;
                }
            }
        }
        List<List<Integer>> passes = new ArrayList<>();
        for (int end = n; end > 0; end = start[end]) {
            passes.add(0, new ArrayList<>(order.subList(start[end], end)));
        }
        return passes;
    }
}
