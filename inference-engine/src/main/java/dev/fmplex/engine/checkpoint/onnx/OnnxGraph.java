package dev.fmplex.engine.checkpoint.onnx;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The parts of an ONNX model that weight import needs: nodes in graph order and initializers. */
public record OnnxGraph(List<OnnxNode> nodes, Map<String, OnnxTensor> initializers) {

    /** The first node that reads {@code value} as an input, in graph order. */
    public Optional<OnnxNode> firstConsumerOf(String value) {
        return nodes.stream().filter(node -> node.inputs().contains(value)).findFirst();
    }
}
