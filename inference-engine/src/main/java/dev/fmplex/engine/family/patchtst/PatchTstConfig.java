package dev.fmplex.engine.family.patchtst;

/**
 * Architecture of a PatchTST encoder, with the meaning of transformers' {@code PatchTSTConfig}.
 *
 * @param channels variates per series ({@code num_input_channels}); each runs through the encoder
 *     as its own sequence of patches
 * @param contextLength time steps per input ({@code context_length})
 * @param patchLength steps per patch
 * @param patchStride steps between patch starts
 * @param layers encoder layers
 * @param dModel width of every hidden state
 * @param attentionHeads heads per attention layer; must divide {@code dModel}
 * @param ffnDim width of the feed-forward layer
 * @param layerNorm LayerNorm sublayer norms ({@code norm_type: layernorm}); else eval-mode
 *     BatchNorm with the checkpoint's running statistics
 * @param normEps epsilon of every norm
 * @param ffBias whether the feed-forward linears have biases ({@code bias}); attention always has
 * @param preNorm norms before each sublayer ({@code pre_norm}); else after its residual
 * @param clsToken whether a learned class token precedes the patches ({@code use_cls_token})
 * @param scaling the per-series instance normalization applied before patching
 */
public record PatchTstConfig(
        int channels,
        int contextLength,
        int patchLength,
        int patchStride,
        int layers,
        int dModel,
        int attentionHeads,
        int ffnDim,
        boolean layerNorm,
        float normEps,
        boolean ffBias,
        boolean preNorm,
        boolean clsToken,
        Scaling scaling) {

    /** transformers' scalers: standard, mean absolute, or none. */
    public enum Scaling {
        /** {@code (x - mean) / sqrt(variance + 1e-5)} per channel, over observed steps. */
        STD,
        /** {@code x / max(mean |x|, 1e-10)} per channel, over observed steps. */
        MEAN,
        /** The series as it is. */
        NONE
    }

    public PatchTstConfig {
        requirePositive("num_input_channels", channels);
        requirePositive("context_length", contextLength);
        requirePositive("patch_length", patchLength);
        requirePositive("patch_stride", patchStride);
        requirePositive("num_hidden_layers", layers);
        requirePositive("d_model", dModel);
        requirePositive("num_attention_heads", attentionHeads);
        requirePositive("ffn_dim", ffnDim);
        if (dModel % attentionHeads != 0) {
            throw new IllegalArgumentException(
                    "d_model "
                            + dModel
                            + " is not a multiple of num_attention_heads "
                            + attentionHeads);
        }
        if (contextLength <= patchLength) {
            throw new IllegalArgumentException(
                    "context_length " + contextLength + " must exceed patch_length " + patchLength);
        }
        if (!(normEps > 0)) {
            throw new IllegalArgumentException("norm_eps must be > 0, is " + normEps);
        }
    }

    /** Patches per channel: {@code (context_length - patch_length) / patch_stride + 1}. */
    public int patches() {
        return (contextLength - patchLength) / patchStride + 1;
    }

    /**
     * The first step the patches cover: when the stride does not tile the context exactly, the
     * oldest steps are dropped, as transformers' {@code PatchTSTPatchify} drops them.
     */
    public int sequenceStart() {
        return contextLength - (patchLength + patchStride * (patches() - 1));
    }

    /** Positions per channel: the patches, and the class token when there is one. */
    public int positions() {
        return patches() + (clsToken ? 1 : 0);
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, is " + value);
        }
    }
}
