package dev.fmplex.engine.family.patchtst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fmplex.engine.family.patchtst.PatchTstConfig.Scaling;
import dev.fmplex.engine.input.InvalidInputException;
import dev.fmplex.engine.input.InvalidInputException.Reason;
import dev.fmplex.engine.series.SeriesInput;
import dev.fmplex.model.task.MissingValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesInputsTest {

    /** One channel of 6 steps in patches of 2 with stride 2: 3 patches, nothing dropped. */
    private static final PatchTstConfig UNIVARIATE = univariate(Scaling.STD);

    /**
     * Two channels of 5 steps in patches of 2 with stride 2: 2 patches, the oldest step dropped.
     */
    private static final PatchTstConfig BIVARIATE =
            new PatchTstConfig(2, 5, 2, 2, 1, 4, 1, 8, true, 1e-5f, true, true, true, Scaling.NONE);

    private final SeriesInputs univariate = new SeriesInputs("tiny-series", UNIVARIATE);
    private final SeriesInputs bivariate = new SeriesInputs("tiny-series", BIVARIATE);

    private static PatchTstConfig univariate(Scaling scaling) {
        return new PatchTstConfig(1, 6, 2, 2, 1, 4, 1, 8, true, 1e-5f, true, true, false, scaling);
    }

    @Test
    void aUnivariateSeriesIsStandardizedAndCutIntoPatches() {
        List<Object> series = List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);

        SeriesInput input = univariate.require(List.of(series), 1, MissingValues.REJECT).get(0);

        double std = Math.sqrt(17.5 / 6 + 1e-5); // population variance of 1..6, plus the minimum
        assertThat(input.loc()[0]).isCloseTo(3.5f, within(1e-6f));
        assertThat(input.scale()[0]).isCloseTo((float) std, within(1e-6f));
        assertThat(input.patches()).hasSize(6);
        for (int t = 0; t < 6; t++) {
            assertThat(input.patches()[t]).isCloseTo((float) ((t + 1 - 3.5) / std), within(1e-6f));
        }
        assertThat(input.units()).isEqualTo(3);
        // The same series as [steps][1] is the same input.
        List<Object> nested = new ArrayList<>();
        series.forEach(value -> nested.add(List.of(value)));
        assertThat(univariate.require(List.of(nested), 1, null).get(0).patches())
                .containsExactly(input.patches());
    }

    @Test
    void theMeanScalerDividesByTheMeanAbsoluteValue() {
        SeriesInput input =
                new SeriesInputs("tiny-series", univariate(Scaling.MEAN))
                        .require(List.of(List.of(-2, 2, 4, -4, 6, -6)), 1, null)
                        .get(0);

        assertThat(input.loc()[0]).isZero();
        assertThat(input.scale()[0]).isEqualTo(4f);
        assertThat(input.patches()).containsExactly(-0.5f, 0.5f, 1f, -1f, 1.5f, -1.5f);
    }

    @Test
    void aMultichannelSeriesIsTimeMajorAndPatchedPerChannelFromTheEnd() {
        List<Object> series = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            series.add(List.of(t, 10 * t));
        }

        SeriesInput input = bivariate.require(List.of(series), 1, null).get(0);

        // Step 0 is dropped: channel 0 -> [1,2],[3,4]; channel 1 -> [10,20],[30,40].
        assertThat(input.patches()).containsExactly(1, 2, 3, 4, 10, 20, 30, 40);
        assertThat(input.units()).isEqualTo(2 * 3); // 2 channels x (2 patches + class token)
    }

    @Test
    void maskedValuesAreLeftOutOfTheScalerAndEnterAsZero() {
        List<Object> series = Arrays.asList(2.0, null, 4.0, 6.0, null, 8.0);

        SeriesInput input = univariate.require(List.of(series), 1, MissingValues.MASK).get(0);

        // Observed 2, 4, 6, 8: mean 5, population variance 5.
        double std = Math.sqrt(5 + 1e-5);
        assertThat(input.loc()[0]).isCloseTo(5f, within(1e-6f));
        assertThat(input.scale()[0]).isCloseTo((float) std, within(1e-6f));
        assertThat(input.patches()[1]).isCloseTo((float) ((0 - 5) / std), within(1e-6f));
    }

    @Test
    void interpolatedValuesLieOnTheLineBetweenTheirObservedNeighbours() {
        List<Object> series = Arrays.asList(null, 2.0, null, null, 8.0, null);

        SeriesInput input =
                new SeriesInputs("tiny-series", univariate(Scaling.NONE))
                        .require(List.of(series), 1, MissingValues.INTERPOLATE)
                        .get(0);

        assertThat(input.patches()).containsExactly(2, 2, 4, 6, 8, 8);
    }

    @Test
    void missingValuesAreRefusedByDefaultAndAnAllMissingChannelAlways() {
        assertRefused(
                univariate,
                List.of(Arrays.asList(1.0, 2.0, null, 4.0, 5.0, 6.0)),
                null,
                Reason.INVALID_INPUT_VALUE,
                "inputs[0][2]",
                "inputs[0][2] is missing (null), and this vFM's task.missingValues is \"reject\"");
        List<Object> silent = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            silent.add(Arrays.asList(t, null));
        }
        assertRefused(
                bivariate,
                List.of(silent),
                MissingValues.MASK,
                Reason.INVALID_INPUT_VALUE,
                "inputs[0]",
                "inputs[0] has no observed value in channel 1");
    }

    @Test
    void wrongModalityLengthChannelsAndValuesAreNamed() {
        assertRefused(
                univariate,
                List.of("up and to the right"),
                null,
                Reason.WRONG_MODALITY,
                "inputs[0]",
                "takes time series: send an array of 6 steps");
        assertRefused(
                univariate,
                List.of(Map.of("image", "iVBO")),
                null,
                Reason.WRONG_MODALITY,
                "inputs[0]",
                "is an object");
        assertThatThrownBy(
                        () ->
                                univariate.require(
                                        List.of(List.of(1, 2, 3, 4, 5, 6), List.of(1, 2, 3)),
                                        2,
                                        null))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(Reason.WRONG_INPUT_SHAPE);
                            assertThat(e.field()).isEqualTo("inputs[1]");
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "inputs[1] has 3 steps; backbone tiny-series takes"
                                                    + " exactly 6 (its context_length)");
                            assertThat(e.limits())
                                    .containsEntry("expected", 6)
                                    .containsEntry("actual", 3);
                        });
        List<Object> oneChannelShort = new ArrayList<>(Collections.nCopies(5, List.of(1, 2)));
        oneChannelShort.set(3, List.of(1));
        assertRefused(
                bivariate,
                List.of(oneChannelShort),
                null,
                Reason.WRONG_INPUT_SHAPE,
                "inputs[0][3]",
                "must be an array of 2 value(s), one per channel; it has 1");
        assertRefused(
                univariate,
                List.of(List.of(1, 2, "three", 4, 5, 6)),
                null,
                Reason.INVALID_INPUT_VALUE,
                "inputs[0][2]",
                "must be a number or null, got a string");
        assertRefused(
                univariate,
                List.of(List.of(1, 2, 3, 4e39, 5, 6)),
                null,
                Reason.INVALID_INPUT_VALUE,
                "inputs[0][3]",
                "beyond the range of a 32-bit float");
    }

    private static void assertRefused(
            SeriesInputs inputs,
            List<Object> values,
            MissingValues policy,
            Reason type,
            String field,
            String message) {
        assertThatThrownBy(() -> inputs.require(values, 4, policy))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(type);
                            assertThat(e.field()).isEqualTo(field);
                            assertThat(e.getMessage()).contains(message);
                        });
    }
}
