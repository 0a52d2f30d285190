/**
 * The ONNX Runtime execution path shared by every family: an ONNX graph writer for graphs a family
 * composes over its own weights (large weights in one external-data file ONNX Runtime maps), the
 * fused encoder pieces those graphs are built from ({@link dev.fmplex.engine.ort.EncoderOps}),
 * per-row LoRA as graph inputs ({@link dev.fmplex.engine.ort.RowLora}), and sessions configured to
 * share the CPU with PyTorch.
 */
package dev.fmplex.engine.ort;
