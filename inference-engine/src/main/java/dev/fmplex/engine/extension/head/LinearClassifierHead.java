package dev.fmplex.engine.extension.head;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import dev.fmplex.model.api.TaskOutput;
import java.util.List;

/**
 * {@code classifier.weight [labels, hidden]} (+ optional bias) over pooled features, as Hugging
 * Face's {@code BertForSequenceClassification} head (without BERT's pooler).
 */
public record LinearClassifierHead(
        NDArray weight, NDArray bias, List<String> labels, boolean multiLabel) implements Head {

    @Override
    public List<TaskOutput> apply(NDArray features, List<HeadRow> rows) {
        NDArray logits = Linear.linear(features, weight, bias).singletonOrThrow();
        return ClassScores.outputs(logits, labels, multiLabel, rows);
    }

    @Override
    public long byteSize() {
        return Head.bytesOf(weight, bias);
    }
}
