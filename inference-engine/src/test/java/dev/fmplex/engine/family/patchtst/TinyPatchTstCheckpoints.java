package dev.fmplex.engine.family.patchtst;

import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.family.patchtst.PatchTstConfig.Scaling;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Tiny random PatchTST checkpoints in the exact layout of transformers' {@code
 * PatchTSTForPrediction.save_pretrained}: {@code model.}-prefixed encoder tensors, BatchNorm's
 * running statistics and its int64 0-d {@code num_batches_tracked}, the prediction head beside
 * them, and {@code config.json} with transformers' field names.
 */
public final class TinyPatchTstCheckpoints {

    /**
     * 2 channels of 12 steps in 3 patches of 4 (stride 3, so the 2 oldest steps are dropped),
     * d_model 16, 2 pre-norm BatchNorm layers of 4 heads, std scaling.
     */
    public static final PatchTstConfig TINY =
            new PatchTstConfig(
                    2, 12, 4, 3, 2, 16, 4, 32, false, 1e-5f, true, true, false, Scaling.STD);

    /** The other branches: LayerNorm, post-norm, a class token, mean scaling, no FF bias. */
    public static final PatchTstConfig VARIANT =
            new PatchTstConfig(
                    3, 10, 2, 2, 2, 8, 2, 16, true, 1e-5f, false, false, true, Scaling.MEAN);

    private TinyPatchTstCheckpoints() {}

    /**
     * Random weights under canonical names: norm scales near 1, running variances in [0.5, 1.5].
     */
    public static Map<String, HostTensor> randomWeights(PatchTstConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry :
                PatchTstParameterNames.expectedShapes(config).entrySet()) {
            String name = entry.getKey();
            float[] values = new float[(int) new Shape(entry.getValue()).size()];
            for (int i = 0; i < values.length; i++) {
                if (name.endsWith("running_var")) {
                    values[i] = (float) (0.5 + random.nextDouble());
                } else if (name.contains("norm_sublayer") && name.endsWith(".weight")) {
                    values[i] = (float) (1 + random.nextGaussian() * 0.1);
                } else {
                    values[i] = (float) (random.nextGaussian() * 0.3);
                }
            }
            weights.put(name, new HostTensor(entry.getValue(), values, SafetensorsDType.F32));
        }
        return weights;
    }

    /** Writes the checkpoint as PatchTSTForPrediction saves it. */
    public static void write(Path directory, PatchTstConfig config, Map<String, HostTensor> weights)
            throws IOException {
        Map<String, HostTensor> stored = new LinkedHashMap<>();
        weights.forEach((name, tensor) -> stored.put("model." + name, tensor));
        if (!config.layerNorm()) {
            for (int layer = 0; layer < config.layers(); layer++) {
                for (int sublayer : new int[] {1, 3}) {
                    stored.put(
                            "model."
                                    + PatchTstParameterNames.norm(config, layer, sublayer)
                                    + ".num_batches_tracked",
                            new HostTensor(new long[0], new float[] {1000}, SafetensorsDType.I64));
                }
            }
        }
        stored.put(
                "head.projection.weight",
                new HostTensor(
                        new long[] {5, config.dModel()},
                        new float[5 * config.dModel()],
                        SafetensorsDType.F32));
        stored.put(
                "head.projection.bias",
                new HostTensor(new long[] {5}, new float[5], SafetensorsDType.F32));
        Files.createDirectories(directory);
        Files.write(
                directory.resolve(PatchTstCheckpoint.WEIGHTS_FILE),
                TinyBertCheckpoints.safetensors(stored));
        Files.writeString(
                directory.resolve(PatchTstCheckpoint.CONFIG_FILE),
                configJson(config),
                StandardCharsets.UTF_8);
    }

    public static String configJson(PatchTstConfig config) {
        return String.format(
                Locale.ROOT,
                "{\"model_type\":\"patchtst\",\"architectures\":[\"PatchTSTForPrediction\"],"
                        + "\"num_input_channels\":%d,\"context_length\":%d,\"patch_length\":%d,"
                        + "\"patch_stride\":%d,\"num_hidden_layers\":%d,\"d_model\":%d,"
                        + "\"num_attention_heads\":%d,\"ffn_dim\":%d,\"norm_type\":\"%s\","
                        + "\"norm_eps\":1e-05,\"bias\":%b,\"pre_norm\":%b,\"use_cls_token\":%b,"
                        + "\"scaling\":\"%s\",\"activation_function\":\"gelu\","
                        + "\"positional_encoding_type\":\"sincos\",\"share_embedding\":true,"
                        + "\"channel_attention\":false,\"pooling_type\":\"mean\","
                        + "\"prediction_length\":5,\"loss\":\"mse\",\"do_mask_input\":null}",
                config.channels(),
                config.contextLength(),
                config.patchLength(),
                config.patchStride(),
                config.layers(),
                config.dModel(),
                config.attentionHeads(),
                config.ffnDim(),
                config.layerNorm() ? "layernorm" : "batchnorm",
                config.ffBias(),
                config.preNorm(),
                config.clsToken(),
                config.scaling().name().toLowerCase(Locale.ROOT));
    }

    /** A random series {@code [steps][channels]} around a level of 5 with a spread of 2. */
    public static double[][] randomSeries(PatchTstConfig config, long seed) {
        Random random = new Random(seed);
        double[][] series = new double[config.contextLength()][config.channels()];
        for (double[] step : series) {
            for (int c = 0; c < step.length; c++) {
                step[c] = 5 + 2 * random.nextGaussian();
            }
        }
        return series;
    }
}
