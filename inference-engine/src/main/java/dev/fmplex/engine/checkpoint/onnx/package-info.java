/**
 * A minimal reader of ONNX model files (the protobuf wire format): the graph's nodes and its
 * initializers, so a family can map a graph's weights onto its own parameter names.
 */
package dev.fmplex.engine.checkpoint.onnx;
