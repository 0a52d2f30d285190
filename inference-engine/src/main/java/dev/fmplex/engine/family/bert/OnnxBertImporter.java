package dev.fmplex.engine.family.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.checkpoint.onnx.OnnxGraph;
import dev.fmplex.engine.checkpoint.onnx.OnnxNode;
import dev.fmplex.engine.checkpoint.onnx.OnnxTensor;
import dev.fmplex.engine.nn.Projection;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the initializers of a Hugging Face BERT encoder exported to ONNX onto BERT parameters.
 *
 * <p>The exporter keeps BERT names for embeddings, biases and LayerNorms, but stores each layer's
 * six projection weights already transposed ({@code [in, out]}) under generated names ({@code
 * onnx::MatMul_NNN}). Those are mapped by graph position: the k-th MatMul that multiplies by an
 * initializer is projection {@code k % 6} (query, key, value, attention output, intermediate,
 * output) of layer {@code k / 6}. Position alone is trusted only after two checks: every shape
 * matches the configuration, and where the MatMul's result feeds an Add with a named bias, that
 * bias is the one of the same projection.
 */
final class OnnxBertImporter {

    private static final String[] KNOWN_PREFIXES = {"", "bert."};

    private OnnxBertImporter() {}

    /** Builds fp32 weights in {@code manager} ({@code [out, in]} layout for linear layers). */
    public static BackboneParameters<BertConfig> importWeights(
            OnnxGraph graph, BertConfig config, NDManager manager) throws WeightLoadException {
        Map<String, NDArray> arrays = new HashMap<>();
        String prefix = detectPrefix(graph);
        for (OnnxTensor tensor : graph.initializers().values()) {
            if (tensor.name().startsWith(prefix)
                    && tensor.dataType() == OnnxTensor.FLOAT
                    && isBertName(tensor.name().substring(prefix.length()))) {
                arrays.put(tensor.name().substring(prefix.length()), toArray(manager, tensor));
            }
        }
        List<OnnxNode> projections = projectionMatMuls(graph);
        int expected = config.layers() * Projection.ENCODER_LAYER.size();
        if (projections.size() != expected) {
            throw new WeightLoadException(
                    "graph has "
                            + projections.size()
                            + " MatMul nodes with weight initializers; "
                            + config.layers()
                            + " layers need "
                            + expected);
        }
        for (int k = 0; k < projections.size(); k++) {
            int layer = k / Projection.ENCODER_LAYER.size();
            Projection linear = Projection.ENCODER_LAYER.get(k % Projection.ENCODER_LAYER.size());
            OnnxNode node = projections.get(k);
            OnnxTensor weight = graph.initializers().get(node.inputs().get(1));
            long[] wanted = BertParameterNames.weightShape(config, linear);
            long[] transposed = {wanted[1], wanted[0]};
            if (!Arrays.equals(weight.dims(), transposed)) {
                throw new WeightLoadException(
                        "MatMul #"
                                + k
                                + " ('"
                                + weight.name()
                                + "') has dims "
                                + Arrays.toString(weight.dims())
                                + "; "
                                + BertParameterNames.weight(layer, linear)
                                + " needs the transpose of "
                                + Arrays.toString(wanted));
            }
            checkBiasFollows(graph, node, prefix, BertParameterNames.bias(layer, linear));
            arrays.put(BertParameterNames.weight(layer, linear), transposeToArray(manager, weight));
        }
        return BertParameterNames.parameters(config, arrays);
    }

    private static String detectPrefix(OnnxGraph graph) throws WeightLoadException {
        for (String prefix : KNOWN_PREFIXES) {
            if (graph.initializers().containsKey(prefix + BertParameterNames.WORD_EMBEDDINGS)) {
                return prefix;
            }
        }
        throw new WeightLoadException(
                "no initializer named "
                        + BertParameterNames.WORD_EMBEDDINGS
                        + " (with or without 'bert.'): not a BERT encoder export");
    }

    private static boolean isBertName(String name) {
        return name.startsWith("embeddings.") || name.startsWith("encoder.layer.");
    }

    /** MatMul nodes whose second operand is a rank-2 initializer, in graph order. */
    private static List<OnnxNode> projectionMatMuls(OnnxGraph graph) {
        List<OnnxNode> result = new ArrayList<>();
        for (OnnxNode node : graph.nodes()) {
            if (node.opType().equals("MatMul") && node.inputs().size() == 2) {
                OnnxTensor weight = graph.initializers().get(node.inputs().get(1));
                if (weight != null && weight.dims().length == 2) {
                    result.add(node);
                }
            }
        }
        return result;
    }

    private static void checkBiasFollows(
            OnnxGraph graph, OnnxNode matMul, String prefix, String expectedBias)
            throws WeightLoadException {
        Optional<OnnxNode> consumer = graph.firstConsumerOf(matMul.outputs().get(0));
        if (consumer.isEmpty() || !consumer.get().opType().equals("Add")) {
            return;
        }
        for (String input : consumer.get().inputs()) {
            if (graph.initializers().containsKey(input)
                    && input.startsWith(prefix)
                    && input.endsWith(".bias")
                    && !input.substring(prefix.length()).equals(expectedBias)) {
                throw new WeightLoadException(
                        "graph position says "
                                + expectedBias
                                + " but MatMul '"
                                + matMul.name()
                                + "' is followed by bias '"
                                + input
                                + "'");
            }
        }
    }

    private static NDArray toArray(NDManager manager, OnnxTensor tensor) {
        return manager.create(FloatBuffer.wrap(tensor.floats()), new Shape(tensor.dims()));
    }

    private static NDArray transposeToArray(NDManager manager, OnnxTensor tensor) {
        int rows = (int) tensor.dims()[0];
        int cols = (int) tensor.dims()[1];
        float[] source = tensor.floats();
        float[] target = new float[source.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                target[c * rows + r] = source[r * cols + c];
            }
        }
        return manager.create(FloatBuffer.wrap(target), new Shape(cols, rows));
    }
}
