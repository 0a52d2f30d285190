package dev.fmplex.engine.extension.head;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.nn.Pooler;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.TaskOutput;
import java.util.ArrayList;
import java.util.List;

/** The pooled features themselves, optionally L2-normalized; no weights. */
public record EmbeddingHead(boolean normalize) implements Head {

    @Override
    public List<TaskOutput> apply(NDArray features, List<HeadRow> rows) {
        NDArray vectors = normalize ? Pooler.l2Normalize(features) : features;
        float[] flat = Head.requireFinite(vectors.toFloatArray(), "embedding");
        int width = flat.length / rows.size();
        List<TaskOutput> outputs = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            float[] vector = new float[width];
            System.arraycopy(flat, i * width, vector, 0, width);
            HeadRow row = rows.get(i);
            outputs.add(
                    new EmbeddingOutput(vector, row.truncatedOrNull(), row.inputTokensOrNull()));
        }
        return outputs;
    }

    @Override
    public long byteSize() {
        return 0;
    }
}
