/**
 * The ViT family ({@code model_type: vit}): {@code ViTModel} / {@code ViTForImageClassification}
 * checkpoints with their image processor, the pre-norm native encoder read after its final
 * LayerNorm, the image batch executor and the LoRA surface.
 */
package dev.fmplex.engine.family.vit;
