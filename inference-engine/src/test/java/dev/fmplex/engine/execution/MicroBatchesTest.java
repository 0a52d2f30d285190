package dev.fmplex.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmplex.engine.text.EncodedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MicroBatchesTest {

    private static EncodedText ofLength(int length) {
        return new EncodedText(new long[length], length);
    }

    @Test
    void everyRowLandsInExactlyOnePassWithinTheBudget() {
        Random random = new Random(5);
        List<EncodedText> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(ofLength(2 + random.nextInt(255)));
        }
        List<List<Integer>> passes = MicroBatches.plan(rows, 4096);
        assertThat(passes.stream().flatMap(List::stream).sorted().collect(Collectors.toList()))
                .containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 300).boxed().toList());
        for (List<Integer> pass : passes) {
            int longest = pass.stream().mapToInt(i -> rows.get(i).ids().length).max().orElseThrow();
            assertThat((long) longest * pass.size()).isLessThanOrEqualTo(4096);
        }
    }

    @Test
    void rowsOfSimilarLengthShareAPassLongestFirst() {
        List<EncodedText> rows = List.of(ofLength(3), ofLength(100), ofLength(4), ofLength(90));
        assertThat(MicroBatches.plan(rows, 200)).containsExactly(List.of(1, 3), List.of(2, 0));
    }

    @Test
    void aRowLongerThanTheBudgetRunsAlone() {
        List<EncodedText> rows = List.of(ofLength(10), ofLength(500), ofLength(10));
        assertThat(MicroBatches.plan(rows, 100)).containsExactly(List.of(1), List.of(0, 2));
    }

    @Test
    void smallRequestsStayOnePass() {
        assertThat(MicroBatches.plan(List.of(ofLength(5), ofLength(7)), 4096)).hasSize(1);
    }

    @Test
    void aLongRowGetsAPassOfItsOwnInsteadOfPaddingShortRowsToIt() {
        List<EncodedText> rows = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            rows.add(ofLength(16));
        }
        rows.add(ofLength(120));

        // Together: 17 x 120 = 2040 padded tokens. Apart: 120 + 16 x 16 = 376, plus one pass.
        List<List<Integer>> passes = MicroBatches.plan(rows, 2048, 33);

        assertThat(passes).hasSize(2);
        assertThat(passes.get(0)).containsExactly(16);
        assertThat(passes.get(1)).hasSize(16).doesNotContain(16);
    }

    @Test
    void rowsOfNearlyTheSameLengthStayInOnePassWhenAnotherPassCostsMore() {
        List<EncodedText> rows = List.of(ofLength(20), ofLength(16), ofLength(18), ofLength(14));

        // Padding all to 20 wastes 12 tokens; a second pass would cost 33.
        assertThat(MicroBatches.plan(rows, 2048, 33)).hasSize(1);
        // Free passes: every distinct length runs alone, no padding at all.
        assertThat(MicroBatches.plan(rows, 2048, 0)).hasSize(4);
    }

    @Test
    void thePassCostShrinksAsTheEncoderWidens() {
        // MiniLM-L6 (hidden 384, intermediate 1536) and BERT-base (768, 3072).
        int minilm = MicroBatches.passOverheadUnits(384, 1536);
        int bertBase = MicroBatches.passOverheadUnits(768, 3072);

        assertThat(minilm).isEqualTo(MicroBatches.DEFAULT_PASS_OVERHEAD_TOKENS);
        assertThat(bertBase).isLessThan(minilm / 3);
    }

    @Test
    void thePlanIsTheCheapestOfEverySplitOfTheSortedRows() {
        Random random = new Random(9);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(9);
            List<EncodedText> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rows.add(ofLength(1 + random.nextInt(150)));
            }
            int budget = 64 + random.nextInt(600);
            int overhead = random.nextInt(60);

            long planned = cost(rows, MicroBatches.plan(rows, budget, overhead), overhead);

            int[] sorted =
                    rows.stream()
                            .mapToInt(r -> r.ids().length)
                            .boxed()
                            .sorted(java.util.Comparator.reverseOrder())
                            .mapToInt(Integer::intValue)
                            .toArray();
            assertThat(planned).isEqualTo(cheapestSplit(sorted, budget, overhead));
        }
    }

    private static long cost(List<EncodedText> rows, List<List<Integer>> passes, int overhead) {
        long total = 0;
        for (List<Integer> pass : passes) {
            int longest = pass.stream().mapToInt(i -> rows.get(i).ids().length).max().orElseThrow();
            total += overhead + (long) longest * pass.size();
        }
        return total;
    }

    /** Brute force: every way of cutting the sorted lengths into contiguous passes. */
    private static long cheapestSplit(int[] sorted, int budget, int overhead) {
        int n = sorted.length;
        long best = Long.MAX_VALUE;
        for (int cuts = 0; cuts < 1 << (n - 1); cuts++) {
            long total = 0;
            int start = 0;
            boolean valid = true;
            for (int i = 1; i <= n; i++) {
                if (i == n || (cuts & (1 << (i - 1))) != 0) {
                    int size = i - start;
                    long padded = (long) size * sorted[start];
                    if (size > 1 && padded > budget) {
                        valid = false;
                        break;
                    }
                    total += overhead + padded;
                    start = i;
                }
            }
            if (valid) {
                best = Math.min(best, total);
            }
        }
        return best;
    }
}
