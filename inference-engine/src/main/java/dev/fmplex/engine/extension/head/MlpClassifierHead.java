package dev.fmplex.engine.extension.head;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import dev.fmplex.model.api.TaskOutput;
import java.util.List;

/**
 * The RoBERTa-style classification head: {@code classifier.dense} + tanh + {@code
 * classifier.out_proj}.
 */
public record MlpClassifierHead(
        NDArray denseWeight,
        NDArray denseBias,
        NDArray outWeight,
        NDArray outBias,
        List<String> labels,
        boolean multiLabel)
        implements Head {

    @Override
    public List<TaskOutput> apply(NDArray features, List<HeadRow> rows) {
        NDArray hidden = Linear.linear(features, denseWeight, denseBias).singletonOrThrow().tanh();
        NDArray logits = Linear.linear(hidden, outWeight, outBias).singletonOrThrow();
        return ClassScores.outputs(logits, labels, multiLabel, rows);
    }

    @Override
    public long byteSize() {
        return Head.bytesOf(denseWeight, denseBias, outWeight, outBias);
    }
}
