package dev.fmplex.model.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The validated header of a safetensors file: tensor entries in file order plus metadata.
 *
 * <p>{@link #parse(byte[])} rejects, with a message naming the tensor and the number, a header
 * length that does not fit the file, JSON that is not an object of tensor entries, unknown dtypes,
 * negative or non-integer dimensions, offsets outside the data section, byte lengths that disagree
 * with dtype x shape, and overlapping or non-contiguous data.
 */
public final class SafetensorsHeader {

    /**
     * Headers larger than this are refused before any JSON is parsed (the format caps at 100 MB).
     */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final String METADATA_KEY = "__metadata__";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, TensorEntry> tensors;
    private final Map<String, String> metadata;
    private final long dataStart;

    private SafetensorsHeader(
            Map<String, TensorEntry> tensors, Map<String, String> metadata, long dataStart) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
        this.dataStart = dataStart;
    }

    /** Tensor entries by name, in header order. */
    public Map<String, TensorEntry> tensors() {
        return tensors;
    }

    public Optional<TensorEntry> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Absolute file offset where the data section starts (8 + header length). */
    public long dataStart() {
        return dataStart;
    }

    /** Parses and validates the header of a complete safetensors file held in memory. */
    public static SafetensorsHeader parse(byte[] file) throws SafetensorsFormatException {
        if (file.length < 8) {
            throw new SafetensorsFormatException(
                    "file is "
                            + file.length
                            + " bytes; a safetensors file starts with an 8-byte"
                            + " header length");
        }
        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long available = file.length - 8L;
        if (headerLength <= 0 || headerLength > available || headerLength > MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException(
                    "header length field says "
                            + Long.toUnsignedString(headerLength)
                            + " bytes but "
                            + available
                            + " bytes follow it (limit "
                            + MAX_HEADER_BYTES
                            + ")");
        }
        String json = new String(file, 8, (int) headerLength, StandardCharsets.UTF_8);
        long dataLength = available - headerLength;
        return fromJson(json, 8 + headerLength, dataLength);
    }

    private static SafetensorsHeader fromJson(String json, long dataStart, long dataLength)
            throws SafetensorsFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new SafetensorsFormatException(
                    "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsFormatException("header must be a JSON object");
        }
        Map<String, TensorEntry> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> property : root.properties()) {
            if (METADATA_KEY.equals(property.getKey())) {
                readMetadata(property.getValue(), metadata);
            } else {
                TensorEntry entry = readEntry(property.getKey(), property.getValue(), dataLength);
                tensors.put(entry.name(), entry);
            }
        }
        checkContiguous(tensors.values(), dataLength);
        return new SafetensorsHeader(tensors, metadata, dataStart);
    }

    private static void readMetadata(JsonNode node, Map<String, String> into)
            throws SafetensorsFormatException {
        if (!node.isObject()) {
            throw new SafetensorsFormatException("__metadata__ must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> item : node.properties()) {
            if (!item.getValue().isString()) {
                throw new SafetensorsFormatException(
                        "__metadata__." + item.getKey() + " must be a string");
            }
            into.put(item.getKey(), item.getValue().stringValue());
        }
    }

    private static TensorEntry readEntry(String name, JsonNode node, long dataLength)
            throws SafetensorsFormatException {
        if (!node.isObject()) {
            throw new SafetensorsFormatException(
                    "tensor '"
                            + name
                            + "': entry must be an object with dtype, shape, data_offsets");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isString()) {
            throw new SafetensorsFormatException("tensor '" + name + "': dtype is missing");
        }
        SafetensorsDType dtype =
                SafetensorsDType.fromName(dtypeNode.stringValue())
                        .orElseThrow(
                                () ->
                                        new SafetensorsFormatException(
                                                "tensor '"
                                                        + name
                                                        + "': unknown dtype '"
                                                        + dtypeNode.stringValue()
                                                        + "'"));
        long[] shape = readLongs(name, "shape", node.get("shape"), -1);
        long[] offsets = readLongs(name, "data_offsets", node.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataLength) {
            throw new SafetensorsFormatException(
                    "tensor '"
                            + name
                            + "': data_offsets ["
                            + begin
                            + ", "
                            + end
                            + "] fall outside the "
                            + dataLength
                            + "-byte data section");
        }
        TensorEntry entry = new TensorEntry(name, dtype, shape, begin, end);
        long expected;
        try {
            expected = Math.multiplyExact(entry.elementCount(), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException("tensor '" + name + "': shape overflows", e);
        }
        if (expected != entry.byteLength()) {
            throw new SafetensorsFormatException(
                    "tensor '"
                            + name
                            + "': "
                            + dtype
                            + " "
                            + entry.shapeText()
                            + " needs "
                            + expected
                            + " bytes but data_offsets span "
                            + entry.byteLength());
        }
        return entry;
    }

    private static long[] readLongs(String name, String field, JsonNode node, int requiredLength)
            throws SafetensorsFormatException {
        if (node == null || !node.isArray()) {
            throw new SafetensorsFormatException(
                    "tensor '" + name + "': " + field + " must be an array of integers");
        }
        if (requiredLength >= 0 && node.size() != requiredLength) {
            throw new SafetensorsFormatException(
                    "tensor '"
                            + name
                            + "': "
                            + field
                            + " must hold "
                            + requiredLength
                            + " integers, holds "
                            + node.size());
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode item = node.get(i);
            if (!item.isIntegralNumber() || !item.canConvertToLong() || item.longValue() < 0) {
                throw new SafetensorsFormatException(
                        "tensor '"
                                + name
                                + "': "
                                + field
                                + "["
                                + i
                                + "] must be a non-negative integer, is "
                                + item);
            }
            values[i] = item.longValue();
        }
        return values;
    }

    /** The format requires tensors to tile the data section exactly: no overlap, no hole. */
    private static void checkContiguous(Iterable<TensorEntry> entries, long dataLength)
            throws SafetensorsFormatException {
        List<TensorEntry> sorted = new ArrayList<>();
        entries.forEach(sorted::add);
        sorted.sort(
                Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long cursor = 0;
        for (TensorEntry entry : sorted) {
            if (entry.begin() != cursor) {
                throw new SafetensorsFormatException(
                        "tensor '"
                                + entry.name()
                                + "' starts at byte "
                                + entry.begin()
                                + " of the data section; expected "
                                + cursor
                                + (entry.begin() < cursor
                                        ? " (overlaps the previous tensor)"
                                        : " (hole)"));
            }
            cursor = entry.end();
        }
        if (cursor != dataLength) {
            throw new SafetensorsFormatException(
                    "tensors cover "
                            + cursor
                            + " bytes but the data section holds "
                            + dataLength
                            + " (truncated or trailing bytes)");
        }
    }
}
