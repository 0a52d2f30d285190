/**
 * Encoder building blocks shared by every family, on DJL NDArray ops (PyTorch engine): the
 * projection roles and sites LoRA adapts, a projection with its per-row LoRA delta, LayerNorm,
 * embedding lookup, multi-head attention, pooling, device selection and intra-op threads. Every
 * array of a forward pass is created in the caller's per-batch manager.
 */
package dev.fmplex.engine.nn;
