/**
 * Loading Hugging Face checkpoints: {@code config.json} plus {@code model.safetensors} with the
 * standard parameter names, validated before any tensor is created.
 */
package dev.fmplex.engine.backbone.hf;
