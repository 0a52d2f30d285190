package dev.fmplex.engine.ort;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes an ONNX model (a {@code ModelProto} with one graph) in protobuf's wire format, so a family
 * can hand ONNX Runtime a graph it composed itself, with the inputs its per-row extensions need.
 *
 * <p>Field numbers are those of onnx.proto: ModelProto ir_version = 1, graph = 7, opset_import = 8;
 * GraphProto node = 1, name = 2, initializer = 5, input = 11, output = 12; NodeProto input = 1,
 * output = 2, name = 3, op_type = 4, attribute = 5, domain = 7; AttributeProto name = 1, f = 2, i =
 * 3, ints = 8, type = 20; TensorProto dims = 1, data_type = 2, name = 8, raw_data = 9;
 * ValueInfoProto name = 1, type = 2; TypeProto tensor_type = 1; TypeProto.Tensor elem_type = 1,
 * shape = 2; TensorShapeProto dim = 1; Dimension dim_value = 1, dim_param = 2.
 */
public final class OnnxGraphBuilder {

    /** TensorProto.DataType values used here. */
    public static final int FLOAT = 1;

    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int BOOL = 9;

    /**
     * ONNX Runtime's contrib domain, whose fused kernels (attention, skip layer normalization, bias
     * GELU) stand in for the subgraphs its optimizer would fuse on an exported model.
     */
    public static final String MICROSOFT = "com.microsoft";

    private static final long IR_VERSION = 8;
    private static final int ATTRIBUTE_FLOAT = 1;
    private static final int ATTRIBUTE_INT = 2;
    private static final int ATTRIBUTE_INTS = 7;

    private final String name;
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<Initializer> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private int nextValue;
    private boolean usesMicrosoft;

    public OnnxGraphBuilder(String name) {
        this.name = name;
    }

    /**
     * Declares a graph input.
     *
     * @param dims a {@link Long} for a fixed size, a {@link String} for a symbolic one
     */
    public String input(String valueName, int elementType, Object... dims) {
        inputs.add(valueInfo(valueName, elementType, dims));
        return valueName;
    }

    /** Declares a graph output (an existing value). */
    public void output(String valueName, int elementType, Object... dims) {
        outputs.add(valueInfo(valueName, elementType, dims));
    }

    /** A constant float tensor, row-major; kept as given until the model is written. */
    public String initializer(String valueName, float[] data, long... dims) {
        return initializer(valueName, () -> data, dims);
    }

    /**
     * A constant float tensor, row-major, whose values are produced only when the model is written,
     * one tensor at a time: a backbone's graph then never holds a copy of all its weights on the
     * heap (a transient copy of every weight would grow the heap by that much for good).
     *
     * @param data must give exactly as many values as {@code dims} says
     */
    public String initializer(String valueName, Supplier<float[]> data, long... dims) {
        initializers.add(new Initializer(valueName, FLOAT, dims.clone(), data, null));
        return valueName;
    }

    /** A constant int64 tensor, row-major. */
    public String initializer(String valueName, long[] data, long... dims) {
        initializers.add(new Initializer(valueName, INT64, dims.clone(), null, data));
        return valueName;
    }

    /** A node of the default domain with one output, whose generated name is returned. */
    public String node(String op, List<String> nodeInputs, Map<String, Object> attributes) {
        String output = op.toLowerCase(java.util.Locale.ROOT) + "_" + nextValue++;
        nodes.add(node("", op, nodeInputs, List.of(output), attributes));
        return output;
    }

    /** A node of the default domain whose one output gets {@code output} as its name. */
    public String node(
            String op, List<String> nodeInputs, Map<String, Object> attributes, String output) {
        nodes.add(node("", op, nodeInputs, List.of(output), attributes));
        return output;
    }

    /**
     * A node of {@code domain} ({@code ""} for the default one, or {@link #MICROSOFT}) with {@code
     * outputCount} outputs, whose generated names are returned. An input named {@code ""} skips an
     * optional input.
     */
    public List<String> node(
            String domain,
            String op,
            List<String> nodeInputs,
            int outputCount,
            Map<String, Object> attributes) {
        if (!domain.isEmpty() && !domain.equals(MICROSOFT)) {
            throw new IllegalArgumentException("unsupported operator domain '" + domain + "'");
        }
        usesMicrosoft |= domain.equals(MICROSOFT);
        String base = op.toLowerCase(java.util.Locale.ROOT) + "_" + nextValue++;
        List<String> names = new ArrayList<>(outputCount);
        for (int i = 0; i < outputCount; i++) {
            names.add(outputCount == 1 ? base : base + "." + i);
        }
        nodes.add(node(domain, op, nodeInputs, names, attributes));
        return names;
    }

    /** A node of the default domain with one output and no attributes. */
    public String node(String op, String... nodeInputs) {
        return node(op, List.of(nodeInputs), Map.of());
    }

    /** Attributes in the order given, for nodes that take several. */
    public static Map<String, Object> attributes(Object... nameValuePairs) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            attributes.put((String) nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return attributes;
    }

    /**
     * Writes the model, importing the default domain at {@code opset}, every weight inline. Weights
     * go from their arrays straight to {@code target}: message sizes are computed first, so no
     * serialized copy of the weights is ever held in memory (for a backbone, that is hundreds of
     * megabytes of heap).
     */
    public void writeModel(OutputStream target, int opset) throws IOException {
        writeModel(target, opset, null);
    }

    /**
     * Writes the model as {@link #writeModel(OutputStream, int)} does, except that float tensors of
     * at least {@link ExternalWeights#MIN_EXTERNAL_BYTES} go to {@code external} (once per name)
     * and the model references them there.
     *
     * @param external null to write every weight inline
     */
    public void writeModel(OutputStream target, int opset, ExternalWeights external)
            throws IOException {
        // Placements first: an external tensor's message size depends on its offset.
        Map<Initializer, ExternalWeights.Placement> placements = new IdentityHashMap<>();
        if (external != null) {
            for (Initializer initializer : initializers) {
                if (initializer.floats() != null
                        && initializer.rawSize() >= ExternalWeights.MIN_EXTERNAL_BYTES) {
                    placements.put(
                            initializer,
                            external.place(
                                    initializer.valueName(),
                                    initializer.rawSize(),
                                    initializer::writeData));
                }
            }
        }
        CodedOutputStream out = CodedOutputStream.newInstance(target, 1 << 16);
        byte[] nameField = message(o -> o.writeString(2, name));
        long graphSize = nameField.length;
        for (byte[] node : nodes) {
            graphSize += CodedOutputStream.computeByteArraySize(1, node);
        }
        List<byte[]> externalFields = new ArrayList<>();
        for (Initializer initializer : initializers) {
            ExternalWeights.Placement placement = placements.get(initializer);
            byte[] reference = placement == null ? null : externalReference(external, placement);
            externalFields.add(reference);
            long size = initializer.messageSize(reference);
            graphSize +=
                    CodedOutputStream.computeTagSize(5)
                            + CodedOutputStream.computeUInt64SizeNoTag(size)
                            + size;
        }
        for (byte[] input : inputs) {
            graphSize += CodedOutputStream.computeByteArraySize(11, input);
        }
        for (byte[] output : outputs) {
            graphSize += CodedOutputStream.computeByteArraySize(12, output);
        }
        out.writeInt64(1, IR_VERSION);
        out.writeTag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt64NoTag(graphSize);
        for (byte[] node : nodes) {
            out.writeByteArray(1, node);
        }
        out.writeRawBytes(nameField);
        for (int i = 0; i < initializers.size(); i++) {
            Initializer initializer = initializers.get(i);
            byte[] reference = externalFields.get(i);
            out.writeTag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt64NoTag(initializer.messageSize(reference));
            initializer.writeTo(out, reference);
        }
        for (byte[] input : inputs) {
            out.writeByteArray(11, input);
        }
        for (byte[] output : outputs) {
            out.writeByteArray(12, output);
        }
        out.writeByteArray(
                8,
                message(
                        o -> {
                            o.writeString(1, "");
                            o.writeInt64(2, opset);
                        }));
        if (usesMicrosoft) {
            out.writeByteArray(
                    8,
                    message(
                            o -> {
                                o.writeString(1, MICROSOFT);
                                o.writeInt64(2, 1);
                            }));
        }
        out.flush();
    }

    /**
     * TensorProto's external_data (13, {@code StringStringEntryProto} key = 1, value = 2) and
     * data_location = EXTERNAL (14), serialized.
     */
    private static byte[] externalReference(
            ExternalWeights external, ExternalWeights.Placement placement) {
        return message(
                out -> {
                    for (String[] entry :
                            new String[][] {
                                {"location", external.location()},
                                {"offset", Long.toString(placement.offset())},
                                {"length", Long.toString(placement.length())}
                            }) {
                        out.writeByteArray(
                                13,
                                message(
                                        e -> {
                                            e.writeString(1, entry[0]);
                                            e.writeString(2, entry[1]);
                                        }));
                    }
                    out.writeInt32(14, 1);
                });
    }

    /** The model in memory, for small graphs and tests ({@link #writeModel} for backbones). */
    public byte[] toModel(int opset) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            writeModel(bytes, opset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A constant tensor: int64 values as given, float values produced when written. */
    private record Initializer(
            String valueName, int type, long[] dims, Supplier<float[]> floats, long[] longs) {

        long elements() {
            long count = 1;
            for (long dim : dims) {
                count *= dim;
            }
            return count;
        }

        long rawSize() {
            return floats != null ? 4L * elements() : 8L * longs.length;
        }

        /**
         * @param external the serialized reference to external data, or null for raw_data inline
         */
        long messageSize(byte[] external) {
            long size = 0;
            for (long dim : dims) {
                size += CodedOutputStream.computeInt64Size(1, dim);
            }
            size += CodedOutputStream.computeInt32Size(2, type);
            size += CodedOutputStream.computeStringSize(8, valueName);
            if (external != null) {
                return size + external.length;
            }
            long raw = rawSize();
            return size
                    + CodedOutputStream.computeTagSize(9)
                    + CodedOutputStream.computeUInt64SizeNoTag(raw)
                    + raw;
        }

        void writeTo(CodedOutputStream out, byte[] external) throws IOException {
            for (long dim : dims) {
                out.writeInt64(1, dim);
            }
            out.writeInt32(2, type);
            out.writeString(8, valueName);
            if (external != null) {
                out.writeRawBytes(external);
                return;
            }
            out.writeTag(9, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt64NoTag(rawSize());
            writeData(
                    chunk ->
                            out.writeRawBytes(
                                    chunk.array(),
                                    chunk.arrayOffset() + chunk.position(),
                                    chunk.remaining()));
        }

        /** The values, little-endian as raw_data and external data want, in chunks of a buffer. */
        void writeData(ExternalWeights.Sink sink) throws IOException {
            float[] values = floats != null ? floats.get() : null;
            if (values != null && values.length != elements()) {
                throw new IllegalStateException(
                        "initializer '"
                                + valueName
                                + "' gave "
                                + values.length
                                + " values for shape "
                                + Arrays.toString(dims));
            }
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            int length = values != null ? values.length : longs.length;
            int perChunk = chunk.capacity() / (values != null ? 4 : 8);
            for (int start = 0; start < length; start += perChunk) {
                int end = Math.min(length, start + perChunk);
                chunk.clear();
                for (int i = start; i < end; i++) {
                    if (values != null) {
                        chunk.putFloat(values[i]);
                    } else {
                        chunk.putLong(longs[i]);
                    }
                }
                chunk.flip();
                sink.accept(chunk);
            }
        }
    }

    private byte[] node(
            String domain,
            String op,
            List<String> nodeInputs,
            List<String> nodeOutputs,
            Map<String, Object> attrs) {
        return message(
                out -> {
                    for (String input : nodeInputs) {
                        out.writeString(1, input);
                    }
                    for (String output : nodeOutputs) {
                        out.writeString(2, output);
                    }
                    out.writeString(3, nodeOutputs.get(0) + "_node");
                    out.writeString(4, op);
                    for (Map.Entry<String, Object> attribute : attrs.entrySet()) {
                        out.writeByteArray(5, attribute(attribute.getKey(), attribute.getValue()));
                    }
                    if (!domain.isEmpty()) {
                        out.writeString(7, domain);
                    }
                });
    }

    private static byte[] attribute(String attributeName, Object value) {
        return message(
                out -> {
                    out.writeString(1, attributeName);
                    if (value instanceof Float f) {
                        out.writeFloat(2, f);
                        out.writeInt32(20, ATTRIBUTE_FLOAT);
                    } else if (value instanceof Integer || value instanceof Long) {
                        out.writeInt64(3, ((Number) value).longValue());
                        out.writeInt32(20, ATTRIBUTE_INT);
                    } else if (value instanceof long[] ints) {
                        for (long i : ints) {
                            out.writeInt64(8, i);
                        }
                        out.writeInt32(20, ATTRIBUTE_INTS);
                    } else {
                        throw new IllegalArgumentException(
                                "unsupported attribute " + attributeName + ": " + value);
                    }
                });
    }

    private static byte[] valueInfo(String valueName, int elementType, Object... dims) {
        byte[] shape =
                message(
                        out -> {
                            for (Object dim : dims) {
                                out.writeByteArray(
                                        1,
                                        message(
                                                d -> {
                                                    if (dim instanceof String symbol) {
                                                        d.writeString(2, symbol);
                                                    } else {
                                                        d.writeInt64(1, ((Number) dim).longValue());
                                                    }
                                                }));
                            }
                        });
        byte[] tensorType =
                message(
                        out -> {
                            out.writeInt32(1, elementType);
                            out.writeByteArray(2, shape);
                        });
        byte[] type = message(out -> out.writeByteArray(1, tensorType));
        return message(
                out -> {
                    out.writeString(1, valueName);
                    out.writeByteArray(2, type);
                });
    }

    @FunctionalInterface
    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            fields.write(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
