package dev.fmplex.engine.extension.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.family.clip.ClipParameterNames;
import dev.fmplex.engine.family.patchtst.PatchTstConfig;
import dev.fmplex.engine.family.patchtst.PatchTstParameterNames;
import dev.fmplex.engine.family.vit.VitConfig;
import dev.fmplex.engine.family.vit.VitParameterNames;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A random task on a non-text encoder: LoRA on some projections and a linear head of {@code
 * headRows x headInputs} (0 rows for none), kept as raw arrays for reference models and written as
 * the files a user uploads, in PEFT's key layout for the family's task model ({@code
 * base_model.model.vit.…}, {@code base_model.model.model.…}) or, with {@code bareModel}, for its
 * bare encoder ({@code base_model.model.encoder.…}).
 */
public final class RandomLoraTask {

    /** What differs between families: widths, module paths, prefixes and the head's own name. */
    public record Layout(
            int hidden,
            int intermediate,
            int layers,
            String modelPrefix,
            List<String> layerPaths,
            Function<Projection, String> paths,
            String headName) {

        public static Layout vit(VitConfig config) {
            return new Layout(
                    config.hiddenSize(),
                    config.intermediateSize(),
                    config.layers(),
                    "vit.",
                    List.of("encoder.layer"),
                    VitParameterNames::path,
                    "classifier");
        }

        /**
         * @param headName {@code head.projection} (prediction, regression) or {@code head.linear}
         *     (classification)
         */
        public static Layout patchTst(PatchTstConfig config, String headName) {
            return new Layout(
                    config.dModel(),
                    config.ffnDim(),
                    config.layers(),
                    "model.",
                    List.of("encoder.layers"),
                    PatchTstParameterNames::path,
                    headName);
        }

        /** Both CLIP towers, which the tiny test configuration gives equal widths. */
        public static Layout clip(int hidden, int intermediate, int layers) {
            return new Layout(
                    hidden,
                    intermediate,
                    layers,
                    "",
                    List.of("text_model.encoder.layers", "vision_model.encoder.layers"),
                    ClipParameterNames::path,
                    "none");
        }

        long[] shape(Projection linear) {
            return switch (linear) {
                case INTERMEDIATE -> new long[] {intermediate, hidden};
                case OUTPUT -> new long[] {hidden, intermediate};
                default -> new long[] {hidden, hidden};
            };
        }

        String weight(String layerPath, int layer, Projection linear) {
            return layerPath + "." + layer + "." + paths.apply(linear) + ".weight";
        }
    }

    public final Layout layout;
    public final int rank;
    public final double alpha;
    public final Set<Projection> targets;

    /** "layerPath/layer/LINEAR" -> {A [r, in], B [out, r]}. */
    public final Map<String, float[][]> lora = new LinkedHashMap<>();

    public final int headRows;
    public final int headInputs;
    public final float[] headWeight;
    public final float[] headBias;

    public RandomLoraTask(
            Layout layout,
            int rank,
            Set<Projection> targets,
            int headRows,
            int headInputs,
            long seed) {
        this.layout = layout;
        this.rank = rank;
        this.alpha = 2.0 * rank;
        this.targets = targets;
        this.headRows = headRows;
        this.headInputs = headInputs;
        Random random = new Random(seed);
        for (String layerPath : layout.layerPaths()) {
            for (int layer = 0; layer < layout.layers(); layer++) {
                for (Projection linear : targets) {
                    long[] shape = layout.shape(linear);
                    lora.put(
                            layerPath + "/" + layer + "/" + linear.name(),
                            new float[][] {
                                gaussian(random, rank * (int) shape[1], 0.2),
                                gaussian(random, (int) shape[0] * rank, 0.2)
                            });
                }
            }
        }
        headWeight = gaussian(random, headRows * headInputs, 0.5);
        headBias = gaussian(random, headRows, 0.5);
    }

    /** A ViT task whose head reads the hidden size. */
    public static RandomLoraTask vit(
            VitConfig config, int rank, Set<Projection> targets, int headRows, long seed) {
        return new RandomLoraTask(
                Layout.vit(config), rank, targets, headRows, config.hiddenSize(), seed);
    }

    /**
     * The upload: a PEFT adapter when the task has LoRA (the head in its {@code modules_to_save}
     * when {@code headInAdapter}), else or otherwise {@code head.safetensors}.
     */
    public Map<String, byte[]> files(boolean headInAdapter, boolean bareModel) {
        Map<String, byte[]> files = new HashMap<>();
        Map<String, HostTensor> head = new LinkedHashMap<>();
        if (headRows > 0) {
            head.put(layout.headName() + ".weight", tensor(headWeight, headRows, headInputs));
            head.put(layout.headName() + ".bias", tensor(headBias, headRows));
        }
        if (!lora.isEmpty()) {
            String prefix = "base_model.model." + (bareModel ? "" : layout.modelPrefix());
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, float[][]> entry : lora.entrySet()) {
                String[] key = entry.getKey().split("/");
                int layer = Integer.parseInt(key[1]);
                Projection linear = Projection.valueOf(key[2]);
                long[] shape = layout.shape(linear);
                String module = prefix + key[0] + "." + layer + "." + layout.paths().apply(linear);
                tensors.put(module + ".lora_A.weight", tensor(entry.getValue()[0], rank, shape[1]));
                tensors.put(module + ".lora_B.weight", tensor(entry.getValue()[1], shape[0], rank));
            }
            if (headInAdapter) {
                head.forEach((name, value) -> tensors.put("base_model.model." + name, value));
                head.clear();
            }
            String modules =
                    targets.stream()
                            .map(linear -> "\"" + layout.paths().apply(linear) + "\"")
                            .collect(Collectors.joining(","));
            files.put(
                    "adapter_config.json",
                    ("{\"peft_type\":\"LORA\",\"r\":"
                                    + rank
                                    + ",\"lora_alpha\":"
                                    + alpha
                                    + ",\"target_modules\":["
                                    + modules
                                    + "],\"modules_to_save\":[\""
                                    + layout.headName()
                                    + "\"]}")
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
        for (Map.Entry<String, float[][]> entry : lora.entrySet()) {
            String[] key = entry.getKey().split("/");
            Projection linear = Projection.valueOf(key[2]);
            long[] shape = layout.shape(linear);
            NDArray a = manager.create(entry.getValue()[0], new Shape(rank, shape[1]));
            NDArray b = manager.create(entry.getValue()[1], new Shape(shape[0], rank));
            String name = layout.weight(key[0], Integer.parseInt(key[1]), linear);
            merged.put(name, base.get(name).add(b.matMul(a).mul(alpha / rank)));
        }
        return merged;
    }

    /** The same merge on host tensors, in doubles, for plain-Java reference models. */
    public Map<String, HostTensor> mergedOnHost(Map<String, HostTensor> base) {
        Map<String, HostTensor> merged = new HashMap<>(base);
        double scale = alpha / rank;
        for (Map.Entry<String, float[][]> entry : lora.entrySet()) {
            String[] key = entry.getKey().split("/");
            Projection linear = Projection.valueOf(key[2]);
            long[] shape = layout.shape(linear);
            int out = (int) shape[0];
            int in = (int) shape[1];
            String name = layout.weight(key[0], Integer.parseInt(key[1]), linear);
            float[] values = base.get(name).values().clone();
            float[] a = entry.getValue()[0];
            float[] b = entry.getValue()[1];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    double delta = 0;
                    for (int r = 0; r < rank; r++) {
                        delta += (double) b[o * rank + r] * a[r * in + i];
                    }
                    values[o * in + i] += (float) (scale * delta);
                }
            }
            merged.put(name, new HostTensor(shape, values, SafetensorsDType.F32));
        }
        return merged;
    }

    /** The head's outputs on one feature vector: {@code W f + b}. */
    public double[] head(float[] features) {
        double[] asDoubles = new double[features.length];
        for (int j = 0; j < features.length; j++) {
            asDoubles[j] = features[j];
        }
        return head(asDoubles);
    }

    public double[] head(double[] features) {
        double[] out = new double[headRows];
        for (int r = 0; r < headRows; r++) {
            double sum = headBias[r];
            for (int j = 0; j < features.length; j++) {
                sum += headWeight[r * features.length + j] * features[j];
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
