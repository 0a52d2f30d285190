/**
 * The BERT family of text encoders (post-norm, absolute positions, GELU): {@code config.json} with
 * {@code model_type: bert}, safetensors with or without {@code bert.}, the bundled {@code
 * all-minilm-l6-v2} read from langchain4j's ONNX file, the native encoder with soft prompts and
 * early exit, the mixed-vFM batch executor, and the LoRA surface (six projections per layer).
 */
package dev.fmplex.engine.family.bert;
