package dev.fmplex.engine.checkpoint.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX {@code ModelProto} with protobuf's wire-format reader, keeping only the graph's
 * nodes and initializers. Field numbers are those of onnx.proto (ModelProto.graph = 7,
 * GraphProto.node = 1 / initializer = 5, NodeProto.input = 1 / output = 2 / name = 3 / op_type = 4,
 * TensorProto.dims = 1 / data_type = 2 / float_data = 4 / name = 8 / raw_data = 9 / external_data =
 * 13).
 */
public final class OnnxModelReader {

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_EXTERNAL_DATA = 13;

    private OnnxModelReader() {}

    /** Parses a whole ONNX model file held in memory. */
    public static OnnxGraph read(byte[] model) throws IOException {
        CodedInputStream input = CodedInputStream.newInstance(model);
        input.setSizeLimit(Integer.MAX_VALUE);
        OnnxGraph graph = null;
        while (true) {
            int tag = input.readTag();
            if (tag == 0) {
                break;
            }
            if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH) {
                int limit = input.pushLimit(input.readRawVarint32());
                graph = readGraph(input);
                input.popLimit(limit);
            } else {
                input.skipField(tag);
            }
        }
        if (graph == null) {
            throw new IOException("not an ONNX model: no graph (ModelProto field 7)");
        }
        return graph;
    }

    private static OnnxGraph readGraph(CodedInputStream input) throws IOException {
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        while (true) {
            int tag = input.readTag();
            if (tag == 0) {
                break;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == GRAPH_NODE || field == GRAPH_INITIALIZER) {
                int limit = input.pushLimit(input.readRawVarint32());
                if (field == GRAPH_NODE) {
                    nodes.add(readNode(input));
                } else {
                    OnnxTensor tensor = readTensor(input);
                    initializers.put(tensor.name(), tensor);
                }
                input.popLimit(limit);
            } else {
                input.skipField(tag);
            }
        }
        return new OnnxGraph(List.copyOf(nodes), initializers);
    }

    private static OnnxNode readNode(CodedInputStream input) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        while (true) {
            int tag = input.readTag();
            if (tag == 0) {
                break;
            }
            switch (WireFormat.getTagFieldNumber(tag)) {
                case NODE_INPUT -> inputs.add(input.readString());
                case NODE_OUTPUT -> outputs.add(input.readString());
                case NODE_NAME -> name = input.readString();
                case NODE_OP_TYPE -> opType = input.readString();
                default -> input.skipField(tag);
            }
        }
        return new OnnxNode(name, opType, List.copyOf(inputs), List.copyOf(outputs));
    }

    /** Reads one element of a repeated scalar field; protobuf allows packed and unpacked forms. */
    @FunctionalInterface
    private interface ElementReader {
        void read(CodedInputStream input) throws IOException;
    }

    private static void readRepeated(CodedInputStream input, int wireType, ElementReader element)
            throws IOException {
        if (wireType != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            element.read(input);
            return;
        }
        int limit = input.pushLimit(input.readRawVarint32());
        while (input.getBytesUntilLimit() > 0) {
            element.read(input);
        }
        input.popLimit(limit);
    }

    private static OnnxTensor readTensor(CodedInputStream input) throws IOException {
        List<Long> dims = new ArrayList<>();
        List<Float> floats = new ArrayList<>();
        int dataType = 0;
        String name = "";
        ByteString raw = null;
        while (true) {
            int tag = input.readTag();
            if (tag == 0) {
                break;
            }
            int wireType = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case TENSOR_DIMS -> readRepeated(input, wireType, in -> dims.add(in.readInt64()));
                case TENSOR_DATA_TYPE -> dataType = input.readInt32();
                case TENSOR_FLOAT_DATA ->
                        readRepeated(input, wireType, in -> floats.add(in.readFloat()));
                case TENSOR_NAME -> name = input.readString();
                case TENSOR_RAW_DATA -> raw = input.readBytes();
                case TENSOR_EXTERNAL_DATA ->
                        throw new IOException(
                                "initializer stores its data in an external file; only embedded"
                                        + " data is supported");
                default -> input.skipField(tag);
            }
        }
        float[] floatData = new float[floats.size()];
        for (int i = 0; i < floatData.length; i++) {
            floatData[i] = floats.get(i);
        }
        long[] dimArray = dims.stream().mapToLong(Long::longValue).toArray();
        return new OnnxTensor(name, dimArray, dataType, raw, floatData);
    }
}
