package dev.fmplex.engine.backbone.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.backbone.BertParameterNames.LayerLinear;
import dev.fmplex.engine.backbone.hf.TinyBertCheckpoints;
import dev.fmplex.engine.backbone.hf.TinyBertCheckpoints.HostTensor;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A random ViT task: LoRA on some projections and a linear head with {@code headRows} outputs (0
 * for none), kept as raw arrays for reference models and written as the files a user uploads, in
 * PEFT's key layout for {@code ViTForImageClassification} ({@code base_model.model.vit.…}) or, with
 * {@code bareModel}, for a bare {@code ViTModel} ({@code base_model.model.encoder.…}).
 */
public final class RandomVitVfm {

    public final VitConfig config;
    public final int rank;
    public final double alpha;
    public final Set<LayerLinear> targets;

    /** "layer/LINEAR" -> {A [r, in], B [out, r]}. */
    public final Map<String, float[][]> lora = new LinkedHashMap<>();

    public final int headRows;
    public final float[] headWeight;
    public final float[] headBias;

    public RandomVitVfm(
            VitConfig config, int rank, Set<LayerLinear> targets, int headRows, long seed) {
        this.config = config;
        this.rank = rank;
        this.alpha = 2.0 * rank;
        this.targets = targets;
        this.headRows = headRows;
        Random random = new Random(seed);
        for (int layer = 0; layer < config.layers(); layer++) {
            for (LayerLinear linear : targets) {
                long[] shape = shape(linear);
                lora.put(
                        layer + "/" + linear.name(),
                        new float[][] {
                            gaussian(random, rank * (int) shape[1], 0.2),
                            gaussian(random, (int) shape[0] * rank, 0.2)
                        });
            }
        }
        headWeight = gaussian(random, headRows * config.hiddenSize(), 0.5);
        headBias = gaussian(random, headRows, 0.5);
    }

    /** {@code [out, in]} of a projection. */
    private long[] shape(LayerLinear linear) {
        long h = config.hiddenSize();
        long i = config.intermediateSize();
        return switch (linear) {
            case INTERMEDIATE -> new long[] {i, h};
            case OUTPUT -> new long[] {h, i};
            default -> new long[] {h, h};
        };
    }

    /**
     * The upload: a PEFT adapter when the task has LoRA (the head in its {@code modules_to_save}
     * when {@code headInAdapter}), else or otherwise {@code head.safetensors}.
     */
    public Map<String, byte[]> files(boolean headInAdapter, boolean bareModel) {
        Map<String, byte[]> files = new HashMap<>();
        Map<String, HostTensor> head = new LinkedHashMap<>();
        if (headRows > 0) {
            head.put("classifier.weight", tensor(headWeight, headRows, config.hiddenSize()));
            head.put("classifier.bias", tensor(headBias, headRows));
        }
        if (!lora.isEmpty()) {
            String prefix = bareModel ? "base_model.model." : "base_model.model.vit.";
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, float[][]> entry : lora.entrySet()) {
                int layer = Integer.parseInt(entry.getKey().split("/")[0]);
                LayerLinear linear = LayerLinear.valueOf(entry.getKey().split("/")[1]);
                long[] shape = shape(linear);
                String module =
                        prefix + "encoder.layer." + layer + "." + VitParameterNames.path(linear);
                tensors.put(module + ".lora_A.weight", tensor(entry.getValue()[0], rank, shape[1]));
                tensors.put(module + ".lora_B.weight", tensor(entry.getValue()[1], shape[0], rank));
            }
            if (headInAdapter) {
                head.forEach((name, value) -> tensors.put("base_model.model." + name, value));
                head.clear();
            }
            String modules =
                    targets.stream()
                            .map(linear -> "\"" + VitParameterNames.path(linear) + "\"")
                            .collect(Collectors.joining(","));
            files.put(
                    "adapter_config.json",
                    ("{\"peft_type\":\"LORA\",\"r\":"
                                    + rank
                                    + ",\"lora_alpha\":"
                                    + alpha
                                    + ",\"target_modules\":["
                                    + modules
                                    + "],\"modules_to_save\":[\"classifier\"]}")
                            .getBytes(StandardCharsets.UTF_8));
            files.put("adapter_model.safetensors", TinyBertCheckpoints.safetensors(tensors));
        }
        if (!head.isEmpty()) {
            files.put("head.safetensors", TinyBertCheckpoints.safetensors(head));
        }
        return files;
    }

    /**
     * The task's own encoder weights: every adapted projection with {@code (alpha/r) B A} added.
     */
    public Map<String, NDArray> merged(Map<String, NDArray> base, NDManager manager) {
        Map<String, NDArray> merged = new HashMap<>(base);
        double scale = alpha / rank;
        for (Map.Entry<String, float[][]> entry : lora.entrySet()) {
            int layer = Integer.parseInt(entry.getKey().split("/")[0]);
            LayerLinear linear = LayerLinear.valueOf(entry.getKey().split("/")[1]);
            long[] shape = shape(linear);
            NDArray a = manager.create(entry.getValue()[0], new Shape(rank, shape[1]));
            NDArray b = manager.create(entry.getValue()[1], new Shape(shape[0], rank));
            String name = VitParameterNames.weight(layer, linear);
            merged.put(name, base.get(name).add(b.matMul(a).mul(scale)));
        }
        return merged;
    }

    /** The head's outputs on one feature vector: {@code W f + b}. */
    public double[] head(float[] features) {
        double[] out = new double[headRows];
        for (int r = 0; r < headRows; r++) {
            double sum = headBias[r];
            for (int j = 0; j < features.length; j++) {
                sum += (double) headWeight[r * features.length + j] * features[j];
            }
            out[r] = sum;
        }
        return out;
    }

    private static HostTensor tensor(float[] values, long... shape) {
        return new HostTensor(shape, values, SafetensorsDType.F32);
    }

    private static float[] gaussian(Random random, int size, double scale) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        return values;
    }
}
