package dev.fmplex.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchCostModelTest {

    private static final BatchCostModel TRUTH = new BatchCostModel(0.8, 0.3, 25.0, 140.0);

    private static List<BatchCostModel.Sample> exactSamples(BackboneProfile... backbones) {
        List<BatchCostModel.Sample> samples = new ArrayList<>();
        for (BackboneProfile b : backbones) {
            for (int rows : new int[] {1, 4, 16}) {
                for (int padded : new int[] {16, 64, 128}) {
                    samples.add(
                            new BatchCostModel.Sample(
                                    b, rows, padded, TRUTH.predictMs(b, rows, padded)));
                }
            }
        }
        return samples;
    }

    @Test
    void aFitOnBatchesOfTwoBackbonesRecoversTheCoefficientsThatProducedThem() {
        BatchCostModel fitted =
                BatchCostModel.fit(exactSamples(BackboneProfile.MINILM, BackboneProfile.BERT_BASE));

        assertThat(fitted.fixedMs()).isCloseTo(0.8, within(1e-6));
        assertThat(fitted.perLayerMs()).isCloseTo(0.3, within(1e-6));
        assertThat(fitted.msPerDenseGmac()).isCloseTo(25.0, within(1e-6));
        assertThat(fitted.msPerAttentionGmac()).isCloseTo(140.0, within(1e-4));
        assertThat(fitted.maxRelativeError(exactSamples(BackboneProfile.BERT_LARGE)))
                .isLessThan(1e-9);
    }

    @Test
    void oneBackboneCannotSeparateFixedFromPerLayerCostYetStillPredictsItsOwnBatches() {
        List<BatchCostModel.Sample> minilm = exactSamples(BackboneProfile.MINILM);

        BatchCostModel fitted = BatchCostModel.fit(minilm);

        assertThat(fitted.maxRelativeError(minilm)).isLessThan(1e-9);
        // Whatever split it chose between the two collinear terms, neither is negative.
        assertThat(fitted.fixedMs()).isGreaterThanOrEqualTo(0);
        assertThat(fitted.perLayerMs()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aTermTheDataWouldMakeNegativeIsDroppedInsteadOfPredictingNegativeTimes() {
        // Times that fall with attention work: least squares alone gives it a negative cost.
        List<BatchCostModel.Sample> samples = new ArrayList<>();
        for (BatchCostModel.Sample s :
                exactSamples(BackboneProfile.MINILM, BackboneProfile.BERT_BASE)) {
            double attention = BatchCostModel.features(s.backbone(), s.rows(), s.padded())[3];
            samples.add(
                    new BatchCostModel.Sample(
                            s.backbone(), s.rows(), s.padded(), s.ms() - 100 * attention));
        }

        BatchCostModel fitted = BatchCostModel.fit(samples);

        assertThat(fitted.msPerAttentionGmac()).isGreaterThanOrEqualTo(0);
        assertThat(fitted.predictMs(BackboneProfile.PATCHTST, 7, 42)).isPositive();
    }

    @Test
    void relativeErrorsAreMeasuredAgainstTheMeasuredTime() {
        BackboneProfile b = BackboneProfile.MINILM;
        double truth = TRUTH.predictMs(b, 4, 32);
        List<BatchCostModel.Sample> samples =
                List.of(
                        new BatchCostModel.Sample(b, 4, 32, truth / 1.10),
                        new BatchCostModel.Sample(b, 4, 32, truth / 0.70));

        assertThat(TRUTH.meanRelativeError(samples)).isCloseTo(0.20, within(1e-9));
        assertThat(TRUTH.maxRelativeError(samples)).isCloseTo(0.30, within(1e-9));
    }
}
