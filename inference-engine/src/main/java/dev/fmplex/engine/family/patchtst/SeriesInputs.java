package dev.fmplex.engine.family.patchtst;

import dev.fmplex.engine.input.InvalidInputException;
import dev.fmplex.engine.input.RequestInputs;
import dev.fmplex.engine.series.SeriesInput;
import dev.fmplex.model.task.MissingValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks and converts the {@code inputs} of an infer request on a time-series backbone, before any
 * model work is queued. An input is one series of exactly {@code context_length} steps, oldest
 * first: a plain array of numbers for a one-channel backbone, else an array of steps, each an array
 * of one number per channel ({@code [steps][channels]}, transformers' {@code past_values}). A
 * missing value is {@code null}, handled by the vFM's {@link MissingValues} policy.
 *
 * <p>Each series is then scaled per channel over its observed steps, exactly as transformers'
 * {@code PatchTSTStdScaler} or {@code PatchTSTMeanScaler} (the mean scaler's batch-wide fallback
 * for a channel with nothing observed never applies: such a series is refused, so an input's result
 * never depends on its batchmates), and cut into patches.
 */
final class SeriesInputs {

    /** transformers' minimum scales: added inside the std scaler's root, a floor for the mean's. */
    private static final double STD_MINIMUM = 1e-5;

    private static final double MEAN_MINIMUM = 1e-10;

    private final String backbone;
    private final PatchTstConfig config;

    public SeriesInputs(String backbone, PatchTstConfig config) {
        this.backbone = backbone;
        this.config = config;
    }

    /** Returns the inputs scaled and patched, in order, or throws naming the first offense. */
    public List<SeriesInput> require(List<Object> inputs, int maxInputs, MissingValues policy) {
        RequestInputs.requireCount(
                inputs,
                maxInputs,
                "a list of series of "
                        + config.contextLength()
                        + " steps"
                        + (config.channels() > 1 ? " of " + config.channels() + " channels" : ""));
        MissingValues missing = policy == null ? MissingValues.REJECT : policy;
        List<SeriesInput> series = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            series.add(one("inputs[" + i + "]", inputs.get(i), missing));
        }
        return series;
    }

    private SeriesInput one(String field, Object value, MissingValues policy) {
        if (value instanceof String || value instanceof Map<?, ?>) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.WRONG_MODALITY,
                    field,
                    field
                            + " is "
                            + (value instanceof String ? "a string (text)" : "an object")
                            + "; backbone "
                            + backbone
                            + " takes time series: send an array of "
                            + config.contextLength()
                            + " steps"
                            + shapeHint());
        }
        if (!(value instanceof List<?> steps)) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.INVALID_REQUEST,
                    field,
                    field + " must be an array of steps, got " + RequestInputs.jsonKind(value));
        }
        int length = config.contextLength();
        int channels = config.channels();
        if (steps.size() != length) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.WRONG_INPUT_SHAPE,
                    field,
                    field
                            + " has "
                            + steps.size()
                            + " steps; backbone "
                            + backbone
                            + " takes exactly "
                            + length
                            + " (its context_length)",
                    Map.of("expected", length, "actual", steps.size()),
                    null);
        }
        double[][] values = new double[channels][length];
        boolean[][] observed = new boolean[channels][length];
        for (int t = 0; t < length; t++) {
            Object step = steps.get(t);
            String stepField = field + "[" + t + "]";
            if (channels == 1 && !(step instanceof List<?>)) {
                read(stepField, step, values, observed, 0, t, policy);
                continue;
            }
            if (!(step instanceof List<?> row) || row.size() != channels) {
                throw new InvalidInputException(
                        InvalidInputException.Reason.WRONG_INPUT_SHAPE,
                        stepField,
                        stepField
                                + " must be an array of "
                                + channels
                                + " value(s), one per channel; it "
                                + (step instanceof List<?> row
                                        ? "has " + row.size()
                                        : "is " + RequestInputs.jsonKind(step)),
                        Map.of("expected", channels),
                        null);
            }
            for (int c = 0; c < channels; c++) {
                read(stepField + "[" + c + "]", row.get(c), values, observed, c, t, policy);
            }
        }
        float[] loc = new float[channels];
        float[] scale = new float[channels];
        int patches = config.patches();
        int patchLength = config.patchLength();
        float[] patched = new float[channels * patches * patchLength];
        for (int c = 0; c < channels; c++) {
            fill(field, c, values[c], observed[c], policy);
            double[] level = scaler(values[c], observed[c]);
            loc[c] = (float) level[0];
            scale[c] = (float) level[1];
            for (int n = 0; n < patches; n++) {
                int start = config.sequenceStart() + n * config.patchStride();
                for (int p = 0; p < patchLength; p++) {
                    patched[(c * patches + n) * patchLength + p] =
                            (float) ((values[c][start + p] - level[0]) / level[1]);
                }
            }
        }
        return new SeriesInput(patched, loc, scale, channels * config.positions());
    }

    private void read(
            String field,
            Object value,
            double[][] values,
            boolean[][] observed,
            int channel,
            int step,
            MissingValues policy) {
        if (value == null) {
            if (policy == MissingValues.REJECT) {
                throw new InvalidInputException(
                        InvalidInputException.Reason.INVALID_INPUT_VALUE,
                        field,
                        field
                                + " is missing (null), and this vFM's task.missingValues is"
                                + " \"reject\" (\"mask\" or \"interpolate\" accept gaps)");
            }
            return;
        }
        if (!(value instanceof Number number)) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.INVALID_INPUT_VALUE,
                    field,
                    field + " must be a number or null, got " + RequestInputs.jsonKind(value));
        }
        double v = number.doubleValue();
        if (!Float.isFinite((float) v)) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.INVALID_INPUT_VALUE,
                    field,
                    field + " is " + number + ", beyond the range of a 32-bit float");
        }
        values[channel][step] = v;
        observed[channel][step] = true;
    }

    /**
     * Applies the policy to one channel's gaps: masked steps enter as 0 and stay unobserved;
     * interpolated ones become observed. A channel with nothing observed has no level to scale by.
     */
    private static void fill(
            String field, int channel, double[] values, boolean[] observed, MissingValues policy) {
        int first = -1;
        for (int t = 0; t < values.length && first < 0; t++) {
            if (observed[t]) {
                first = t;
            }
        }
        if (first < 0) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.INVALID_INPUT_VALUE,
                    field,
                    field + " has no observed value in channel " + channel);
        }
        if (policy != MissingValues.INTERPOLATE) {
            return;
        }
        int previous = -1;
        for (int t = 0; t <= values.length; t++) {
            if (t < values.length && !observed[t]) {
                continue;
            }
            // Steps previous+1 .. t-1 are a gap between observed neighbours (or an end).
            for (int gap = previous + 1; gap < t; gap++) {
                if (previous < 0) {
                    values[gap] = values[t];
                } else if (t == values.length) {
                    values[gap] = values[previous];
                } else {
                    double weight = (double) (gap - previous) / (t - previous);
                    values[gap] = values[previous] + weight * (values[t] - values[previous]);
                }
                observed[gap] = true;
            }
            previous = t;
        }
    }

    /** {@code {loc, scale}} of one channel over its observed steps. */
    private double[] scaler(double[] values, boolean[] observed) {
        double count = 0;
        double sum = 0;
        double absolute = 0;
        for (int t = 0; t < values.length; t++) {
            if (observed[t]) {
                count++;
                sum += values[t];
                absolute += Math.abs(values[t]);
            }
        }
        double denominator = Math.max(count, 1);
        return switch (config.scaling()) {
            case STD -> {
                double loc = sum / denominator;
                double variance = 0;
                for (int t = 0; t < values.length; t++) {
                    if (observed[t]) {
                        variance += (values[t] - loc) * (values[t] - loc);
                    }
                }
                yield new double[] {loc, Math.sqrt(variance / denominator + STD_MINIMUM)};
            }
            case MEAN -> new double[] {0, Math.max(absolute / denominator, MEAN_MINIMUM)};
            case NONE -> new double[] {0, 1};
        };
    }

    private String shapeHint() {
        return config.channels() == 1
                ? " (numbers, null for a missing value)"
                : " of " + config.channels() + " values each ([steps][channels])";
    }
}
