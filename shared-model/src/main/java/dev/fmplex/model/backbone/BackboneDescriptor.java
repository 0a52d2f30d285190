package dev.fmplex.model.backbone;

/**
 * A loaded backbone as the API shows it.
 *
 * @param name stable catalogue name, e.g. {@code all-minilm-l6-v2}
 * @param family architecture family, e.g. {@code bert}
 * @param modality input modality, e.g. {@code text}
 * @param hiddenSize width of the hidden states
 * @param layers number of encoder layers
 * @param parameterBytes bytes of the backbone's weights as loaded (counted once per worker)
 * @param maxInputTokens longest input, in tokens including special tokens, a request may use
 */
public record BackboneDescriptor(
        String name,
        String family,
        String modality,
        int hiddenSize,
        int layers,
        long parameterBytes,
        int maxInputTokens) {}
