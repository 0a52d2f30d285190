package dev.fmplex.engine.family.clip;

/**
 * Architecture of a CLIP model, with the meaning of transformers' {@code CLIPConfig}.
 *
 * @param projectionDim width of the shared embedding space both towers project into
 */
public record ClipConfig(Text text, Vision vision, int projectionDim) {

    /**
     * The text tower ({@code CLIPTextConfig}).
     *
     * @param maxPositions longest input in tokens, special tokens included
     * @param quickGelu {@code quick_gelu} ({@code x sigmoid(1.702 x)}, CLIP's own); else erf GELU
     * @param eosTokenId the config's {@code eos_token_id}; 2 in the openai checkpoints, where it is
     *     wrong and transformers pools at the largest id instead
     */
    public record Text(
            int hiddenSize,
            int layers,
            int attentionHeads,
            int intermediateSize,
            int vocabSize,
            int maxPositions,
            float layerNormEps,
            boolean quickGelu,
            int eosTokenId) {

        /** The legacy {@code eos_token_id} of the openai configs. */
        public static final int LEGACY_EOS_TOKEN_ID = 2;

        public Text {
            requireShape("text_config", hiddenSize, layers, attentionHeads, intermediateSize);
            requirePositive("text_config.vocab_size", vocabSize);
            requirePositive("text_config.max_position_embeddings", maxPositions);
        }
    }

    /** The vision tower ({@code CLIPVisionConfig}): square images in square patches. */
    public record Vision(
            int hiddenSize,
            int layers,
            int attentionHeads,
            int intermediateSize,
            int imageSize,
            int patchSize,
            int channels,
            float layerNormEps,
            boolean quickGelu) {

        public Vision {
            requireShape("vision_config", hiddenSize, layers, attentionHeads, intermediateSize);
            requirePositive("vision_config.image_size", imageSize);
            requirePositive("vision_config.patch_size", patchSize);
            requirePositive("vision_config.num_channels", channels);
            if (imageSize % patchSize != 0) {
                throw new IllegalArgumentException(
                        "vision_config.image_size "
                                + imageSize
                                + " is not a multiple of patch_size "
                                + patchSize);
            }
        }

        public int patchesPerSide() {
            return imageSize / patchSize;
        }

        public int patches() {
            return patchesPerSide() * patchesPerSide();
        }

        /** Patches plus the class embedding. */
        public int sequenceLength() {
            return patches() + 1;
        }
    }

    public ClipConfig {
        requirePositive("projection_dim", projectionDim);
    }

    private static void requireShape(
            String tower, int hiddenSize, int layers, int attentionHeads, int intermediateSize) {
        requirePositive(tower + ".hidden_size", hiddenSize);
        requirePositive(tower + ".num_hidden_layers", layers);
        requirePositive(tower + ".num_attention_heads", attentionHeads);
        requirePositive(tower + ".intermediate_size", intermediateSize);
        if (hiddenSize % attentionHeads != 0) {
            throw new IllegalArgumentException(
                    tower
                            + ".hidden_size "
                            + hiddenSize
                            + " is not a multiple of num_attention_heads "
                            + attentionHeads);
        }
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, is " + value);
        }
    }
}
