package dev.fmplex.engine.extension.head;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.api.TokenClassificationOutput;
import dev.fmplex.model.api.TokenClassificationOutput.TokenLabel;
import java.util.ArrayList;
import java.util.List;

/**
 * A linear layer on every token's state ({@code classifier.weight [labels, hidden]}); outputs skip
 * virtual tokens, [CLS], [SEP] and padding.
 */
public record TokenClassifierHead(NDArray weight, NDArray bias, List<String> labels)
        implements Head {

    @Override
    public boolean tokenLevel() {
        return true;
    }

    @Override
    public List<TaskOutput> apply(NDArray features, List<HeadRow> rows) {
        NDArray probabilities =
                Linear.linear(features, weight, bias).singletonOrThrow().softmax(-1);
        float[] flat = Head.requireFinite(probabilities.toFloatArray(), "token classifier");
        int length = (int) features.getShape().get(1);
        int classes = labels.size();
        List<TaskOutput> outputs = new ArrayList<>(rows.size());
        for (int row = 0; row < rows.size(); row++) {
            HeadRow input = rows.get(row);
            int ids = input.text().ids().length;
            List<TokenLabel> tokens = new ArrayList<>(Math.max(0, ids - 2));
            // Position promptLength holds [CLS]; the last real position holds [SEP].
            for (int t = 1; t < ids - 1; t++) {
                int offset = (row * length + input.promptLength() + t) * classes;
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (flat[offset + c] > flat[offset + best]) {
                        best = c;
                    }
                }
                tokens.add(
                        new TokenLabel(
                                input.text().token(t), labels.get(best), flat[offset + best]));
            }
            outputs.add(
                    new TokenClassificationOutput(
                            tokens, input.truncatedOrNull(), input.inputTokensOrNull()));
        }
        return outputs;
    }

    @Override
    public long byteSize() {
        return Head.bytesOf(weight, bias);
    }
}
