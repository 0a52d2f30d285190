/**
 * The CLIP family ({@code model_type: clip}): both towers of a {@code CLIPModel} with their
 * projections, the tokenizer and CLIP's image preprocessing; texts and images embedded into one
 * space in one batch, zero-shot heads built through the text tower with the vFM's own adapter, and
 * a LoRA surface over both towers (vision layers from {@code VISION_LAYER_BASE}).
 */
package dev.fmplex.engine.family.clip;
