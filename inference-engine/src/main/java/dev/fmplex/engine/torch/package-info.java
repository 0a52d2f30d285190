/**
 * The only package that computes with DJL NDArray ops on the PyTorch engine: the native BERT
 * forward pass, pooling, and device selection. Every array of a forward pass is created in the
 * caller's per-batch {@link ai.djl.ndarray.NDManager}.
 */
package dev.fmplex.engine.torch;
