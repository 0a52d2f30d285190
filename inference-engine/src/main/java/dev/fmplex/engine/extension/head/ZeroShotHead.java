package dev.fmplex.engine.extension.head;

import ai.djl.ndarray.NDArray;
import dev.fmplex.model.api.TaskOutput;
import java.util.List;

/**
 * CLIP's zero-shot classifier: an image embedding, unit-normalized, scores each label by its cosine
 * with the label's prompt embedding times {@code exp(logit_scale)}, then softmax, as {@code
 * CLIPModel}'s {@code logits_per_image}.
 *
 * @param labelEmbeddingsT unit-normalized prompt embeddings, transposed: {@code [projection_dim,
 *     labels]}, computed once when the version loaded (stored transposed so a batch never derives
 *     an array from the version's capped manager)
 * @param logitScale {@code exp(logit_scale)} of the backbone
 */
public record ZeroShotHead(NDArray labelEmbeddingsT, float logitScale, List<String> labels)
        implements Head {

    /**
     * @param features the images' embeddings before normalization, {@code [rows, projection_dim]}
     */
    @Override
    public List<TaskOutput> apply(NDArray features, List<HeadRow> rows) {
        NDArray norms = features.square().sum(new int[] {1}, true).sqrt();
        NDArray logits = features.div(norms).matMul(labelEmbeddingsT).mul(logitScale);
        return ClassScores.outputs(logits, labels, false, rows);
    }

    @Override
    public long byteSize() {
        return Head.bytesOf(labelEmbeddingsT);
    }
}
