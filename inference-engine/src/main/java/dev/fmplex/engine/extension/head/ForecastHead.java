package dev.fmplex.engine.extension.head;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import dev.fmplex.engine.series.SeriesInput;
import dev.fmplex.model.api.ForecastOutput;
import dev.fmplex.model.api.TaskOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers' {@code PatchTSTPredictionHead} with a pooling type and one projection shared by the
 * channels ({@code head.projection.weight [horizon, d_model]}): each channel's pooled features map
 * to its next {@code horizon} scaled values, brought back to the input's units by that channel's
 * {@code scale} and {@code loc}.
 */
public record ForecastHead(NDArray weight, NDArray bias) implements Head {

    /**
     * @param features each row's pooled features per channel, {@code [rows, channels, d_model]}
     */
    @Override
    public List<TaskOutput> apply(NDArray features, List<HeadRow> rows) {
        int channels = (int) features.getShape().get(1);
        int horizon = (int) weight.getShape().get(0);
        // [rows, channels, horizon], channel-major per row.
        float[] scaled =
                Head.requireFinite(
                        Linear.linear(features, weight, bias).singletonOrThrow().toFloatArray(),
                        "forecast head");
        List<TaskOutput> outputs = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            SeriesInput input = (SeriesInput) rows.get(r).input();
            float[][] forecast = new float[horizon][channels];
            for (int c = 0; c < channels; c++) {
                for (int h = 0; h < horizon; h++) {
                    float value = scaled[(r * channels + c) * horizon + h];
                    forecast[h][c] = value * input.scale()[c] + input.loc()[c];
                }
            }
            for (float[] step : forecast) {
                Head.requireFinite(step, "forecast head");
            }
            outputs.add(new ForecastOutput(forecast));
        }
        return outputs;
    }

    /** Reads each channel's features apart, not one vector per input. */
    @Override
    public boolean channelLevel() {
        return true;
    }

    @Override
    public long byteSize() {
        return Head.bytesOf(weight, bias);
    }
}
