package dev.fmplex.model.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes F32 tensors as a safetensors file: an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, padded with spaces to a multiple of 8 (as the
 * reference implementation aligns it), then the little-endian data in header order. What {@link
 * SafetensorsHeader#parse} reads back.
 */
public final class SafetensorsWriter {

    /** One F32 tensor: its shape and its values in row-major order. */
    public record F32(long[] shape, float[] values) {
        public F32 {
            long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            if (count != values.length) {
                throw new IllegalArgumentException(
                        "shape "
                                + Arrays.toString(shape)
                                + " holds "
                                + count
                                + " values, given "
                                + values.length);
            }
        }
    }

    private SafetensorsWriter() {}

    /** The file holding {@code tensors}, in the map's order. */
    public static byte[] write(Map<String, F32> tensors) {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, F32> tensor : new LinkedHashMap<>(tensors).entrySet()) {
            long bytes = 4L * tensor.getValue().values().length;
            if (header.length() > 1) {
                header.append(',');
            }
            header.append('"')
                    .append(escaped(tensor.getKey()))
                    .append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(tensor.getValue().shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[")
                    .append(offset)
                    .append(',')
                    .append(offset + bytes)
                    .append("]}");
            offset += bytes;
        }
        header.append('}');
        while ((8 + header.length()) % 8 != 0) {
            header.append(' ');
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer file =
                ByteBuffer.allocate(Math.toIntExact(8 + json.length + offset))
                        .order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        for (F32 tensor : tensors.values()) {
            for (float value : tensor.values()) {
                file.putFloat(value);
            }
        }
        return file.array();
    }

    private static String escaped(String name) {
        if (name.chars().anyMatch(c -> c == '"' || c == '\\' || c < 0x20)) {
            throw new IllegalArgumentException("tensor name " + name + " needs no JSON escaping");
        }
        return name;
    }
}
