/**
 * Vision Transformer backbones (ViT, the {@code google/vit-*} layout of Hugging Face {@code
 * transformers}): configuration, canonical parameter names with their shapes, and the checkpoint
 * loader. The encoder itself is {@link dev.fmplex.engine.torch.TorchVitEncoder}.
 */
package dev.fmplex.engine.backbone.vit;
