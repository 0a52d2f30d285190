package dev.fmplex.engine.extension.head;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import dev.fmplex.model.api.RegressionOutput;
import dev.fmplex.model.api.TaskOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * A linear head with one output row ({@code classifier.weight} or {@code score.weight} [1,
 * hidden]).
 */
public record RegressionHead(NDArray weight, NDArray bias) implements Head {

    @Override
    public List<TaskOutput> apply(NDArray features, List<HeadRow> rows) {
        float[] values =
                Head.requireFinite(
                        Linear.linear(features, weight, bias).singletonOrThrow().toFloatArray(),
                        "regression head");
        List<TaskOutput> outputs = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            HeadRow row = rows.get(i);
            outputs.add(
                    new RegressionOutput(
                            values[i], row.truncatedOrNull(), row.inputTokensOrNull()));
        }
        return outputs;
    }

    @Override
    public long byteSize() {
        return Head.bytesOf(weight, bias);
    }
}
