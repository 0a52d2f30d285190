/**
 * The ONNX Runtime execution path: an ONNX graph writer for graphs a family composes over its own
 * weights (with inputs for per-row extensions), and sessions configured to share the CPU with
 * PyTorch.
 */
package dev.fmplex.engine.ort;
