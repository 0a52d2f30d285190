package dev.fmplex.engine.family.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Small random BERT checkpoints in Hugging Face layout ({@code config.json} + {@code
 * model.safetensors}), written by the tests themselves: no weights are downloaded or committed.
 */
public final class TinyBertCheckpoints {

    public static final BertConfig TINY = new BertConfig(60, 16, 2, 4, 32, 40, 2, 1e-12f);

    /** One tensor on the host: its shape, values, and the dtype it is stored as. */
    public record HostTensor(long[] shape, float[] values, SafetensorsDType dtype) {}

    private TinyBertCheckpoints() {}

    /**
     * Random weights under canonical names, each value exactly representable in {@code dtype} so
     * that a file in that dtype and the in-memory reference hold the very same numbers.
     */
    public static Map<String, HostTensor> randomWeights(
            BertConfig config, long seed, SafetensorsDType dtype) {
        Random random = new Random(seed);
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry :
                BertParameterNames.expectedShapes(config).entrySet()) {
            float[] values = new float[(int) new Shape(entry.getValue()).size()];
            boolean scale = entry.getKey().endsWith("LayerNorm.weight");
            for (int i = 0; i < values.length; i++) {
                double value = random.nextGaussian() * (scale ? 0.1 : 0.3) + (scale ? 1 : 0);
                values[i] = representable((float) value, dtype);
            }
            weights.put(entry.getKey(), new HostTensor(entry.getValue(), values, dtype));
        }
        return weights;
    }

    public static Map<String, NDArray> toArrays(
            Map<String, HostTensor> weights, NDManager manager) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        weights.forEach(
                (name, tensor) ->
                        arrays.put(
                                name, manager.create(tensor.values(), new Shape(tensor.shape()))));
        return arrays;
    }

    /** Writes a checkpoint with {@code prefix} ("" or "bert.") plus a pooler and position_ids. */
    public static void write(
            Path directory, BertConfig config, Map<String, HostTensor> weights, String prefix)
            throws IOException {
        Map<String, HostTensor> stored = new LinkedHashMap<>();
        weights.forEach((name, tensor) -> stored.put(prefix + name, tensor));
        float[] positions = new float[config.maxPositions()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        stored.put(
                prefix + "embeddings.position_ids",
                new HostTensor(new long[] {1, positions.length}, positions, SafetensorsDType.I64));
        long h = config.hiddenSize();
        stored.put(
                prefix + "pooler.dense.weight",
                new HostTensor(new long[] {h, h}, new float[(int) (h * h)], SafetensorsDType.F32));
        Files.createDirectories(directory);
        Files.write(directory.resolve(BertCheckpoint.WEIGHTS_FILE), safetensors(stored));
        writeConfig(directory, configJson(config));
    }

    /** The same fp32 checkpoint written by DJL's own safetensors encoder. */
    public static void writeWithDjl(
            Path directory, BertConfig config, Map<String, HostTensor> weights, NDManager manager)
            throws IOException {
        NDList list = new NDList();
        toArrays(weights, manager)
                .forEach(
                        (name, array) -> {
                            array.setName(name);
                            list.add(array);
                        });
        Files.createDirectories(directory);
        Files.write(
                directory.resolve(BertCheckpoint.WEIGHTS_FILE),
                list.encode(NDList.Encoding.SAFETENSORS));
        writeConfig(directory, configJson(config));
    }

    public static void writeConfig(Path directory, String json) throws IOException {
        Files.writeString(
                directory.resolve(BertCheckpoint.CONFIG_FILE), json, StandardCharsets.UTF_8);
    }

    public static String configJson(BertConfig config) {
        return """
                {
                  "architectures": ["BertModel"],
                  "model_type": "bert",
                  "vocab_size": %d,
                  "hidden_size": %d,
                  "num_hidden_layers": %d,
                  "num_attention_heads": %d,
                  "intermediate_size": %d,
                  "max_position_embeddings": %d,
                  "type_vocab_size": %d,
                  "layer_norm_eps": 1e-12,
                  "hidden_act": "gelu",
                  "position_embedding_type": "absolute"
                }
                """
                .formatted(
                        config.vocabSize(),
                        config.hiddenSize(),
                        config.layers(),
                        config.attentionHeads(),
                        config.intermediateSize(),
                        config.maxPositions(),
                        config.typeVocabSize());
    }

    /** Serializes tensors in the safetensors layout: u64 header length, JSON header, data. */
    public static byte[] safetensors(Map<String, HostTensor> tensors) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        StringBuilder header = new StringBuilder("{");
        for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
            HostTensor tensor = entry.getValue();
            byte[] bytes = encode(tensor);
            if (header.length() > 1) {
                header.append(',');
            }
            header.append('"')
                    .append(entry.getKey())
                    .append("\":{\"dtype\":\"")
                    .append(tensor.dtype())
                    .append("\",\"shape\":")
                    .append(java.util.Arrays.toString(tensor.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[")
                    .append(data.size())
                    .append(',')
                    .append(data.size() + bytes.length)
                    .append("]}");
            data.writeBytes(bytes);
        }
        header.append('}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer file =
                ByteBuffer.allocate(8 + json.length + data.size()).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json).put(data.toByteArray());
        return file.array();
    }

    private static byte[] encode(HostTensor tensor) {
        float[] values = tensor.values();
        ByteBuffer out =
                ByteBuffer.allocate(values.length * tensor.dtype().byteSize())
                        .order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            int bits = Float.floatToIntBits(value);
            switch (tensor.dtype()) {
                case F32 -> out.putFloat(value);
                case BF16 -> out.putShort((short) (bits >>> 16));
                case F16 -> out.putShort(toHalf(value));
                case I32 -> out.putInt((int) value);
                case I64 -> out.putLong((long) value);
                default -> throw new IllegalArgumentException("fixture dtype " + tensor.dtype());
            }
        }
        return out.array();
    }

    /** Rounds {@code value} so {@code dtype} holds it exactly (and the F16 writer stays exact). */
    private static float representable(float value, SafetensorsDType dtype) {
        return switch (dtype) {
            case BF16 -> Float.intBitsToFloat(Float.floatToIntBits(value) & 0xffff0000);
            case F16 -> Math.round(value * 1024f) / 1024f;
            case I32, I64 -> Math.round(value);
            default -> value;
        };
    }

    /** Exact fp32 -> fp16 for zero and normal values with at most 11 significant bits. */
    private static short toHalf(float value) {
        int bits = Float.floatToIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        if ((bits & 0x7fffffff) == 0) {
            return (short) sign;
        }
        int exponent = ((bits >>> 23) & 0xff) - 112;
        if (exponent < 1 || exponent > 30 || (bits & 0x1fff) != 0) {
            throw new IllegalArgumentException(value + " is not exactly representable as fp16");
        }
        return (short) (sign | (exponent << 10) | ((bits >>> 13) & 0x3ff));
    }
}
