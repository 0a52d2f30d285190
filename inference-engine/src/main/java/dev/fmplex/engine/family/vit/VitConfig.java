package dev.fmplex.engine.family.vit;

/**
 * Architecture of a ViT encoder, with the meaning of Hugging Face's {@code ViTConfig}.
 *
 * @param hiddenSize width of every hidden state
 * @param layers number of encoder layers
 * @param attentionHeads heads per attention layer; must divide {@code hiddenSize}
 * @param intermediateSize width of the feed-forward layer
 * @param imageSize side of the square input image, in pixels
 * @param patchSize side of one square patch; must divide {@code imageSize}
 * @param channels colour channels of the input (3 for RGB)
 * @param layerNormEps epsilon of every LayerNorm
 */
public record VitConfig(
        int hiddenSize,
        int layers,
        int attentionHeads,
        int intermediateSize,
        int imageSize,
        int patchSize,
        int channels,
        float layerNormEps) {

    public VitConfig {
        requirePositive("hidden_size", hiddenSize);
        requirePositive("num_hidden_layers", layers);
        requirePositive("num_attention_heads", attentionHeads);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("image_size", imageSize);
        requirePositive("patch_size", patchSize);
        requirePositive("num_channels", channels);
        if (hiddenSize % attentionHeads != 0) {
            throw new IllegalArgumentException(
                    "hidden_size "
                            + hiddenSize
                            + " is not a multiple of num_attention_heads "
                            + attentionHeads);
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException(
                    "image_size " + imageSize + " is not a multiple of patch_size " + patchSize);
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layer_norm_eps must be > 0, is " + layerNormEps);
        }
    }

    public int headSize() {
        return hiddenSize / attentionHeads;
    }

    /** Patches along one side of the image. */
    public int patchesPerSide() {
        return imageSize / patchSize;
    }

    /** Patches per image: the encoder's unit of work, besides the CLS token. */
    public int patches() {
        return patchesPerSide() * patchesPerSide();
    }

    /** Tokens the encoder runs per image: the CLS token and one per patch. */
    public int sequenceLength() {
        return patches() + 1;
    }

    /** Values of one flattened patch: {@code channels * patchSize^2}. */
    public int patchValues() {
        return channels * patchSize * patchSize;
    }

    /** Number of weight elements of the encoder (embeddings, layers, final norm; no pooler). */
    public long parameterCount() {
        long h = hiddenSize;
        long embeddings = h + (long) sequenceLength() * h + (long) patchValues() * h + h;
        long attention = 4 * (h * h + h) + 2 * h;
        long feedForward = 2 * h * intermediateSize + intermediateSize + h + 2 * h;
        return embeddings + layers * (attention + feedForward) + 2 * h;
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, is " + value);
        }
    }
}
