package dev.fmplex.model.backbone;

import java.util.Map;
import java.util.TreeMap;

/**
 * A loaded backbone as the API shows it.
 *
 * @param name stable catalogue name, e.g. {@code all-minilm-l6-v2}
 * @param family architecture family, e.g. {@code bert}
 * @param modality input modality: {@code text}, {@code image}, {@code image-text} or {@code series}
 * @param hiddenSize width of the hidden states (of the shared embedding space for image-text)
 * @param layers number of encoder layers
 * @param parameterBytes bytes of the backbone's weights as loaded (counted once per worker)
 * @param maxInputTokens the positions one input may use: tokens, special tokens included; for an
 *     image its patches and class token; for a series its channels x (patches + class token)
 * @param inputShape what an input must look like beyond its modality, by name: {@code imageSize}
 *     and {@code channels} for images; {@code contextLength}, {@code channels}, {@code patches} and
 *     {@code classToken} (1 or 0) for series; empty for text
 */
public record BackboneDescriptor(
        String name,
        String family,
        String modality,
        int hiddenSize,
        int layers,
        long parameterBytes,
        int maxInputTokens,
        Map<String, Integer> inputShape) {

    public BackboneDescriptor {
        inputShape = inputShape == null ? Map.of() : new TreeMap<>(inputShape);
    }

    /** A backbone whose inputs need no shape beyond their modality (text). */
    public BackboneDescriptor(
            String name,
            String family,
            String modality,
            int hiddenSize,
            int layers,
            long parameterBytes,
            int maxInputTokens) {
        this(name, family, modality, hiddenSize, layers, parameterBytes, maxInputTokens, Map.of());
    }
}
