package dev.fmplex.engine.checkpoint.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * An ONNX initializer: name, dims, element type and its data, either as little-endian {@code
 * raw_data} or as the typed {@code float_data} field.
 */
public record OnnxTensor(
        String name, long[] dims, int dataType, ByteString rawData, float[] floatData) {

    /** {@code TensorProto.DataType.FLOAT}. */
    public static final int FLOAT = 1;

    public long elementCount() {
        long count = 1;
        for (long dim : dims) {
            count *= dim;
        }
        return count;
    }

    /** The values as fp32, checking that the stored bytes match the dims. */
    public float[] floats() {
        if (dataType != FLOAT) {
            throw new IllegalStateException(
                    "initializer '" + name + "' has ONNX data type " + dataType + ", not FLOAT");
        }
        long count = elementCount();
        if (floatData != null && floatData.length > 0) {
            if (floatData.length != count) {
                throw new IllegalStateException(
                        "initializer '"
                                + name
                                + "' holds "
                                + floatData.length
                                + " floats for dims "
                                + Arrays.toString(dims));
            }
            return floatData.clone();
        }
        if (rawData == null || rawData.size() != count * Float.BYTES) {
            throw new IllegalStateException(
                    "initializer '"
                            + name
                            + "' holds "
                            + (rawData == null ? 0 : rawData.size())
                            + " raw bytes for dims "
                            + Arrays.toString(dims));
        }
        FloatBuffer buffer =
                rawData.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] values = new float[(int) count];
        buffer.get(values);
        return values;
    }
}
