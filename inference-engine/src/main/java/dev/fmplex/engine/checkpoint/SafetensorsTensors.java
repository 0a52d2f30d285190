package dev.fmplex.engine.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.model.safetensors.SafetensorsFormatException;
import dev.fmplex.model.safetensors.SafetensorsHeader;
import dev.fmplex.model.safetensors.TensorEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Turns the bytes of a safetensors file into fp32 NDArrays by name.
 *
 * <p>The header is validated in full by {@link SafetensorsHeader} first, then each wanted tensor is
 * converted to fp32 in Java from its validated byte range. DJL's own safetensors decoder is not
 * used for uploads: it was not written for hostile input, and on this stack (DJL 0.36, PyTorch
 * 2.7.1) any bf16 tensor aborts the JVM natively.
 */
public final class SafetensorsTensors {

    private SafetensorsTensors() {}

    /**
     * Reads the tensors whose names pass {@code wanted}; each must be F32, F16 or BF16 and finite,
     * and is returned as fp32. Other tensors are never touched.
     */
    public static Map<String, NDArray> decode(
            byte[] file, NDManager manager, Predicate<String> wanted) throws WeightLoadException {
        Map<String, NDArray> result = new LinkedHashMap<>();
        for (HostTensor tensor : read(file, wanted).values()) {
            result.put(tensor.name(), tensor.toNDArray(manager));
        }
        return result;
    }

    /** A tensor converted to fp32 on the Java heap, before any native memory is used. */
    public record HostTensor(String name, long[] shape, float[] values) {

        public String shapeText() {
            return java.util.Arrays.toString(shape);
        }

        /** The tensor in native memory, owned by {@code manager}. */
        public NDArray toNDArray(NDManager manager) {
            return manager.create(values, new Shape(shape));
        }
    }

    /** As {@link #decode} but into Java arrays, for callers that check or reshape first. */
    public static Map<String, HostTensor> read(byte[] file, Predicate<String> wanted)
            throws WeightLoadException {
        SafetensorsHeader header;
        try {
            header = SafetensorsHeader.parse(file);
        } catch (SafetensorsFormatException e) {
            throw new WeightLoadException(e.getMessage(), e);
        }
        Map<String, HostTensor> result = new LinkedHashMap<>();
        for (TensorEntry entry : header.tensors().values()) {
            if (!wanted.test(entry.name())) {
                continue;
            }
            if (!entry.dtype().isSupportedWeightType()) {
                throw new WeightLoadException(
                        "tensor '"
                                + entry.name()
                                + "' has dtype "
                                + entry.dtype()
                                + "; supported are F32, F16 and BF16");
            }
            float[] values = toFloats(file, header.dataStart(), entry);
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new WeightLoadException(
                            "tensor '"
                                    + entry.name()
                                    + "' holds "
                                    + values[i]
                                    + " at element "
                                    + i
                                    + "; weights must be finite");
                }
            }
            result.put(entry.name(), new HostTensor(entry.name(), entry.shape(), values));
        }
        return result;
    }

    private static float[] toFloats(byte[] file, long dataStart, TensorEntry entry) {
        ByteBuffer bytes =
                ByteBuffer.wrap(file, (int) (dataStart + entry.begin()), (int) entry.byteLength())
                        .slice()
                        .order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[Math.toIntExact(entry.elementCount())];
        switch (entry.dtype()) {
            case F32 -> bytes.asFloatBuffer().get(values);
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = HalfFloats.halfToFloat(bytes.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = HalfFloats.bfloat16ToFloat(bytes.getShort(2 * i));
                }
            }
            default -> throw new IllegalStateException("unsupported dtype " + entry.dtype());
        }
        return values;
    }
}
