package dev.fmplex.model.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * Zero-shot image classification on an image-text backbone (CLIP): each label becomes a text
 * prompt, embedded once when the version loads through the text tower (with the vFM's own adapter),
 * and an image scores each label by its similarity to that label's embedding, as {@code
 * CLIPModel}'s {@code logits_per_image}. No trained head is needed: the vFM serves at once.
 *
 * @param labels class names, at least 2
 * @param promptTemplate the text each label is put into, {@code {}} standing for the label; {@code
 *     a photo of a {}.} when absent (the CLIP paper's)
 */
public record ZeroShotClassificationTask(List<String> labels, String promptTemplate)
        implements TaskSpec {

    public static final String KIND = "zero-shot-classification";
    public static final String DEFAULT_TEMPLATE = "a photo of a {}.";

    public ZeroShotClassificationTask {
        labels = labels == null ? null : List.copyOf(labels);
        promptTemplate = promptTemplate == null ? DEFAULT_TEMPLATE : promptTemplate;
    }

    /** The prompts embedded for the labels, in label order. */
    public List<String> prompts() {
        return labels.stream().map(label -> promptTemplate.replace("{}", label)).toList();
    }

    @Override
    @JsonIgnore
    public String kind() {
        return KIND;
    }

    /** The image-text similarity; the backbone's own pooling. */
    @Override
    @JsonIgnore
    public Integer layer() {
        return null;
    }

    @Override
    @JsonIgnore
    public Pooling pooling() {
        return Pooling.CLS;
    }

    @Override
    @JsonIgnore
    public boolean needsHead() {
        return false;
    }
}
