package dev.fmplex.engine.family.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Tiny random ViT checkpoints in the exact layout of Hugging Face's {@code
 * ViTForImageClassification.save_pretrained}: {@code vit.}-prefixed encoder tensors, a pooler and a
 * classifier beside them, {@code config.json} with transformers' field names.
 */
public final class TinyVitCheckpoints {

    /** Hidden 16, 2 layers of 4 heads, 8 x 8 RGB images in 4 x 4 patches: 4 patches + CLS. */
    public static final VitConfig TINY = new VitConfig(16, 2, 4, 32, 8, 4, 3, 1e-12f);

    private TinyVitCheckpoints() {}

    /** Random weights under canonical names; LayerNorm scales near 1, everything else near 0. */
    public static Map<String, HostTensor> randomWeights(VitConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry :
                VitParameterNames.expectedShapes(config).entrySet()) {
            float[] values = new float[(int) new Shape(entry.getValue()).size()];
            boolean scale =
                    entry.getKey().endsWith("layernorm_before.weight")
                            || entry.getKey().endsWith("layernorm_after.weight")
                            || entry.getKey().equals("layernorm.weight");
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * (scale ? 0.1 : 0.3) + (scale ? 1 : 0));
            }
            weights.put(
                    entry.getKey(), new HostTensor(entry.getValue(), values, SafetensorsDType.F32));
        }
        return weights;
    }

    public static Map<String, NDArray> toArrays(
            Map<String, HostTensor> weights, NDManager manager) {
        return TinyBertCheckpoints.toArrays(weights, manager);
    }

    /** Writes the checkpoint as ViTForImageClassification saves it, with {@code labels} classes. */
    public static void write(Path directory, VitConfig config, Map<String, HostTensor> weights)
            throws IOException {
        Map<String, HostTensor> stored = new LinkedHashMap<>();
        weights.forEach((name, tensor) -> stored.put("vit." + name, tensor));
        long h = config.hiddenSize();
        stored.put("vit.pooler.dense.weight", zeros(h, h));
        stored.put("vit.pooler.dense.bias", zeros(h));
        stored.put("classifier.weight", zeros(2, h));
        stored.put("classifier.bias", zeros(2));
        Files.createDirectories(directory);
        Files.write(
                directory.resolve(VitCheckpoint.WEIGHTS_FILE),
                TinyBertCheckpoints.safetensors(stored));
        writeConfig(directory, configJson(config));
    }

    public static void writeConfig(Path directory, String json) throws IOException {
        Files.writeString(
                directory.resolve(VitCheckpoint.CONFIG_FILE), json, StandardCharsets.UTF_8);
    }

    public static String configJson(VitConfig config) {
        return String.format(
                "{\"model_type\":\"vit\",\"architectures\":[\"ViTForImageClassification\"],"
                        + "\"hidden_size\":%d,\"num_hidden_layers\":%d,\"num_attention_heads\":%d,"
                        + "\"intermediate_size\":%d,\"image_size\":%d,\"patch_size\":%d,"
                        + "\"num_channels\":%d,\"hidden_act\":\"gelu\",\"qkv_bias\":true,"
                        + "\"layer_norm_eps\":1e-12,\"id2label\":{\"0\":\"cat\",\"1\":\"dog\"}}",
                config.hiddenSize(),
                config.layers(),
                config.attentionHeads(),
                config.intermediateSize(),
                config.imageSize(),
                config.patchSize(),
                config.channels());
    }

    /** Random preprocessed pixels for {@code rows} images. */
    public static float[] randomPixels(VitConfig config, int rows, long seed) {
        Random random = new Random(seed);
        float[] pixels =
                new float[rows * config.channels() * config.imageSize() * config.imageSize()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return pixels;
    }

    private static HostTensor zeros(long... shape) {
        return new HostTensor(
                shape, new float[(int) new Shape(shape).size()], SafetensorsDType.F32);
    }
}
