package dev.fmplex.engine.family.bert;

/**
 * Architecture of a BERT-family encoder, with the meaning of Hugging Face's {@code config.json}.
 *
 * @param vocabSize rows of the word embedding
 * @param hiddenSize width of every hidden state
 * @param layers number of encoder layers
 * @param attentionHeads heads per attention layer; must divide {@code hiddenSize}
 * @param intermediateSize width of the feed-forward layer
 * @param maxPositions rows of the position embedding, the hard limit on sequence length
 * @param typeVocabSize rows of the token type embedding
 * @param layerNormEps epsilon of every LayerNorm
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int layers,
        int attentionHeads,
        int intermediateSize,
        int maxPositions,
        int typeVocabSize,
        float layerNormEps) {

    public BertConfig {
        requirePositive("vocab_size", vocabSize);
        requirePositive("hidden_size", hiddenSize);
        requirePositive("num_hidden_layers", layers);
        requirePositive("num_attention_heads", attentionHeads);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("max_position_embeddings", maxPositions);
        requirePositive("type_vocab_size", typeVocabSize);
        if (hiddenSize % attentionHeads != 0) {
            throw new IllegalArgumentException(
                    "hidden_size "
                            + hiddenSize
                            + " is not a multiple of num_attention_heads "
                            + attentionHeads);
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layer_norm_eps must be > 0, is " + layerNormEps);
        }
    }

    public int headSize() {
        return hiddenSize / attentionHeads;
    }

    /** Number of weight elements of the encoder (embeddings and layers; no pooler). */
    public long parameterCount() {
        long h = hiddenSize;
        long embeddings = (vocabSize + maxPositions + typeVocabSize) * h + 2 * h;
        long attention = 4 * (h * h + h) + 2 * h;
        long feedForward = 2 * h * intermediateSize + intermediateSize + h + 2 * h;
        return embeddings + layers * (attention + feedForward);
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, is " + value);
        }
    }
}
