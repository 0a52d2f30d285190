package dev.fmplex.model.task;

import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks a task against the backbone it will run on; every violation names its field. */
public final class TaskRules {

    public static final int MAX_LABELS = 10_000;

    private TaskRules() {}

    /** Checks {@code task} against the layers and the modality of {@code backbone}. */
    public static void check(TaskSpec task, BackboneDescriptor backbone) {
        check(task, backbone.layers());
        boolean series = backbone.modality().equals(SERIES);
        if (task instanceof TokenClassificationTask && !backbone.modality().equals("text")) {
            throw invalid(
                    "task.kind",
                    "task kind "
                            + TokenClassificationTask.KIND
                            + " labels text tokens; backbone "
                            + backbone.name()
                            + " takes "
                            + backbone.modality()
                            + " inputs");
        }
        boolean imageText = backbone.modality().equals(IMAGE_TEXT);
        if (task instanceof ZeroShotClassificationTask && !imageText) {
            throw invalid(
                    "task.kind",
                    "task kind "
                            + ZeroShotClassificationTask.KIND
                            + " compares images with text; backbone "
                            + backbone.name()
                            + " takes "
                            + backbone.modality()
                            + " inputs (use an image-text backbone such as CLIP)");
        }
        if (imageText
                && !(task instanceof EmbeddingTask || task instanceof ZeroShotClassificationTask)) {
            throw invalid(
                    "task.kind",
                    "backbone "
                            + backbone.name()
                            + " is an image-text backbone: its vFMs are "
                            + EmbeddingTask.KIND
                            + " (text and images in one space) or "
                            + ZeroShotClassificationTask.KIND);
        }
        if (imageText && task.layer() != null) {
            throw invalid(
                    "task.layer",
                    "an image-text backbone's vFMs read its projected embeddings; task.layer does"
                            + " not apply");
        }
        if (task instanceof ForecastingTask && !series) {
            throw invalid(
                    "task.kind",
                    "task kind "
                            + ForecastingTask.KIND
                            + " needs a time-series backbone; backbone "
                            + backbone.name()
                            + " takes "
                            + backbone.modality()
                            + " inputs");
        }
        if (series
                && task.pooling() == Pooling.CLS
                && backbone.inputShape().getOrDefault("classToken", 0) != 1) {
            throw invalid(
                    "task.pooling",
                    "backbone "
                            + backbone.name()
                            + " has no class token (use_cls_token is false): set task.pooling to"
                            + " mean or max over its patches (classification and regression"
                            + " default to cls)");
        }
        if (task.missingValues() != null && !series) {
            throw invalid(
                    "task.missingValues",
                    "task.missingValues applies to time-series backbones; backbone "
                            + backbone.name()
                            + " takes "
                            + backbone.modality()
                            + " inputs, which have no missing values");
        }
    }

    /** The modality of backbones that embed images and text into one space (CLIP). */
    public static final String IMAGE_TEXT = "image-text";

    /** The longest prompt template. */
    public static final int MAX_TEMPLATE_LENGTH = 1000;

    /** The modality of time-series backbones. */
    public static final String SERIES = "series";

    /** The longest forecast a task may ask for. */
    public static final int MAX_HORIZON = 10_000;

    /**
     * @param backboneLayers the backbone's encoder layer count, the largest valid {@code layer}
     */
    public static void check(TaskSpec task, int backboneLayers) {
        if (task.layer() != null && (task.layer() < 0 || task.layer() > backboneLayers)) {
            throw invalid(
                    "task.layer",
                    "task.layer must be in [0, "
                            + backboneLayers
                            + "] for this backbone, is "
                            + task.layer());
        }
        if (task instanceof ClassificationTask classification) {
            checkLabels(classification.labels(), classification.multiLabel() ? 1 : 2);
        } else if (task instanceof TokenClassificationTask tokens) {
            checkLabels(tokens.labels(), 1);
        } else if (task instanceof ZeroShotClassificationTask zeroShot) {
            checkLabels(zeroShot.labels(), 2);
            String template = zeroShot.promptTemplate();
            if (!template.contains("{}") || template.length() > MAX_TEMPLATE_LENGTH) {
                throw invalid(
                        "task.promptTemplate",
                        "task.promptTemplate must contain {} where the label goes and be at most "
                                + MAX_TEMPLATE_LENGTH
                                + " characters, is '"
                                + template
                                + "'");
            }
        } else if (task instanceof ForecastingTask forecasting) {
            Integer horizon = forecasting.horizon();
            if (horizon == null || horizon < 1 || horizon > MAX_HORIZON) {
                throw invalid(
                        "task.horizon",
                        "task.horizon is required: the steps to forecast, in [1, "
                                + MAX_HORIZON
                                + "]"
                                + (horizon == null ? "" : ", is " + horizon));
            }
        }
    }

    private static void checkLabels(List<String> labels, int minimum) {
        if (labels == null || labels.size() < minimum) {
            throw invalid("task.labels", "task.labels must name at least " + minimum + " label(s)");
        }
        if (labels.size() > MAX_LABELS) {
            throw invalid(
                    "task.labels",
                    "task.labels holds " + labels.size() + " labels; the limit is " + MAX_LABELS);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            if (label == null || label.isBlank()) {
                throw invalid(
                        "task.labels[" + i + "]",
                        "task.labels[" + i + "] must be a non-blank string");
            }
            if (!seen.add(label)) {
                throw invalid("task.labels[" + i + "]", "label '" + label + "' appears twice");
            }
        }
    }

    private static FmplexException invalid(String field, String detail) {
        return new FmplexException(ProblemType.INVALID_TASK, field, detail);
    }
}
