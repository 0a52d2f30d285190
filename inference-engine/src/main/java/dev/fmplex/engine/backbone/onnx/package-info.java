/**
 * Reading weights out of ONNX files with protobuf-java's wire-format reader (no generated classes):
 * the graph's initializers and node order, and the mapping of the bundled MiniLM export onto BERT
 * parameter names.
 */
package dev.fmplex.engine.backbone.onnx;
