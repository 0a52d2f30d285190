/**
 * The PatchTST family of time-series encoders ({@code model_type: patchtst}): the transformers
 * layout (BatchNorm or LayerNorm, pre- or post-norm, optional class token), series inputs scaled
 * and patched as transformers does with a per-vFM missing-value policy, the series batch executor
 * and the LoRA surface ({@code self_attn.*_proj}, {@code ff.0}, {@code ff.3}).
 */
package dev.fmplex.engine.family.patchtst;
