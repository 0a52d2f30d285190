package dev.fmplex.control.protocol.oip;

import dev.fmplex.control.protocol.oip.OipMessages.TensorMetadata;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.ForecastingTask;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.task.ZeroShotClassificationTask;
import java.util.ArrayList;
import java.util.List;

/**
 * The tensors of one vFM. Inputs by modality: {@code text} {@code BYTES [N]}; {@code pixels} {@code
 * FP32 [N, C, H, W]}, preprocessed as the native {@code pixels} input; {@code series} {@code FP32
 * [N, T, C]}. Outputs by task kind: {@code embedding} {@code FP32 [N, D]}; {@code scores} {@code
 * FP32 [N, L]} (probabilities in label order) with {@code label} {@code BYTES [N]}; {@code value}
 * {@code FP32 [N]}; {@code forecast} {@code FP32 [N, horizon, C]}. Token classification has no
 * fixed-shape output and is not offered here.
 */
record TensorSignature(List<TensorMetadata> inputs, List<TensorMetadata> outputs) {

    static final String TEXT = "text";
    static final String PIXELS = "pixels";
    static final String SERIES = "series";
    static final String EMBEDDING = "embedding";
    static final String SCORES = "scores";
    static final String LABEL = "label";
    static final String VALUE = "value";
    static final String FORECAST = "forecast";

    static final String BYTES = "BYTES";
    static final String FP32 = "FP32";

    private static final long ANY = -1;

    static TensorSignature of(BackboneDescriptor backbone, TaskSpec task) {
        return new TensorSignature(inputs(backbone), outputs(backbone, task));
    }

    private static List<TensorMetadata> inputs(BackboneDescriptor backbone) {
        List<TensorMetadata> inputs = new ArrayList<>();
        String modality = backbone.modality();
        if (modality.equals("text") || modality.equals("image-text")) {
            inputs.add(new TensorMetadata(TEXT, BYTES, List.of(ANY)));
        }
        if (modality.equals("image") || modality.equals("image-text")) {
            long size = dimension(backbone, "imageSize");
            inputs.add(
                    new TensorMetadata(
                            PIXELS,
                            FP32,
                            List.of(ANY, dimension(backbone, "channels"), size, size)));
        }
        if (modality.equals("series")) {
            inputs.add(
                    new TensorMetadata(
                            SERIES,
                            FP32,
                            List.of(
                                    ANY,
                                    dimension(backbone, "contextLength"),
                                    dimension(backbone, "channels"))));
        }
        return inputs;
    }

    private static List<TensorMetadata> outputs(BackboneDescriptor backbone, TaskSpec task) {
        if (task instanceof EmbeddingTask) {
            return List.of(
                    new TensorMetadata(
                            EMBEDDING, FP32, List.of(ANY, (long) backbone.hiddenSize())));
        }
        List<String> labels = labels(task);
        if (labels != null) {
            return List.of(
                    new TensorMetadata(SCORES, FP32, List.of(ANY, (long) labels.size())),
                    new TensorMetadata(LABEL, BYTES, List.of(ANY)));
        }
        if (task instanceof RegressionTask) {
            return List.of(new TensorMetadata(VALUE, FP32, List.of(ANY)));
        }
        if (task instanceof ForecastingTask forecasting) {
            Integer horizon = forecasting.horizon();
            return List.of(
                    new TensorMetadata(
                            FORECAST,
                            FP32,
                            List.of(
                                    ANY,
                                    horizon == null ? ANY : horizon.longValue(),
                                    dimension(backbone, "channels"))));
        }
        return List.of();
    }

    /** The labels of a classifying task, in score order; null for other kinds. */
    static List<String> labels(TaskSpec task) {
        if (task instanceof ClassificationTask classification) {
            return classification.labels();
        }
        if (task instanceof ZeroShotClassificationTask zeroShot) {
            return zeroShot.labels();
        }
        return null;
    }

    private static long dimension(BackboneDescriptor backbone, String name) {
        Integer value = backbone.inputShape().get(name);
        return value == null ? ANY : value.longValue();
    }

    TensorMetadata input(String name) {
        return inputs.stream()
                .filter(tensor -> tensor.name().equals(name))
                .findFirst()
                .orElse(null);
    }
}
