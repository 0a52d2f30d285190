package dev.fmplex.engine.extension.head;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.fmplex.model.api.ClassificationOutput;
import dev.fmplex.model.api.TaskOutput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Logits to classification outputs: softmax, or independent sigmoids when multi-label. */
final class ClassScores {

    private ClassScores() {}

    static List<TaskOutput> outputs(
            NDArray logits, List<String> labels, boolean multiLabel, List<HeadRow> rows) {
        NDArray probabilities = multiLabel ? Activation.sigmoid(logits) : logits.softmax(-1);
        float[] flat = Head.requireFinite(probabilities.toFloatArray(), "classifier");
        int classes = labels.size();
        List<TaskOutput> outputs = new ArrayList<>(rows.size());
        for (int row = 0; row < rows.size(); row++) {
            int offset = row * classes;
            Map<String, Double> scores = new LinkedHashMap<>();
            for (int c = 0; c < classes; c++) {
                scores.put(labels.get(c), (double) flat[offset + c]);
            }
            int best =
                    IntStream.range(0, classes)
                            .boxed()
                            .max(Comparator.comparingDouble(c -> flat[offset + c]))
                            .orElseThrow();
            List<String> chosen =
                    multiLabel
                            ? IntStream.range(0, classes)
                                    .filter(c -> flat[offset + c] >= 0.5f)
                                    .boxed()
                                    .sorted(
                                            Comparator.comparingDouble(
                                                            (Integer c) -> flat[offset + c])
                                                    .reversed())
                                    .map(labels::get)
                                    .toList()
                            : null;
            HeadRow input = rows.get(row);
            outputs.add(
                    new ClassificationOutput(
                            labels.get(best),
                            scores,
                            chosen,
                            input.truncatedOrNull(),
                            input.inputTokensOrNull()));
        }
        return outputs;
    }
}
