package dev.fmplex.engine.checkpoint.onnx;

import java.util.List;

/** One graph node: operator type and the names of its input and output values. */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs) {}
