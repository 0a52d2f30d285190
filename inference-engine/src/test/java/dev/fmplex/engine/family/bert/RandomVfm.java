package dev.fmplex.engine.family.bert;

import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.model.safetensors.SafetensorsDType;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.task.TokenClassificationTask;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A randomly initialized task, kept as raw arrays (the truth the reference model is built from) and
 * written as the files a user would upload, in Hugging Face PEFT's real key layout.
 */
final class RandomVfm {

    enum HeadKind {
        NONE,
        LINEAR,
        MLP
    }

    final String id;
    final TaskSpec task;
    final BertConfig config;
    final int rank;
    final double alpha;
    final boolean rsLora;
    final Set<Projection> targets;

    /** "layer/LINEAR" -> {A [r, in], B [out, r]}. */
    final Map<String, float[][]> lora = new LinkedHashMap<>();

    final float[] prompt;
    final int promptTokens;
    final HeadKind headKind;
    final String headPrefix;

    /** Head tensors by canonical name ("classifier.weight", ...). */
    final Map<String, HostTensor> head = new LinkedHashMap<>();

    private final boolean headInAdapter;

    private RandomVfm(Builder b, Random random) {
        this.id = b.id;
        this.task = b.task;
        this.config = b.config;
        this.rank = b.rank;
        this.alpha = b.alpha;
        this.rsLora = b.rsLora;
        this.targets = b.targets;
        this.promptTokens = b.promptTokens;
        this.headKind = b.headKind;
        this.headPrefix = b.headPrefix;
        this.headInAdapter = b.headInAdapter;
        int hidden = config.hiddenSize();
        for (int layer = 0; layer < config.layers(); layer++) {
            if (b.layers != null && !b.layers.contains(layer)) {
                continue;
            }
            for (Projection linear : targets) {
                long[] shape = BertParameterNames.weightShape(config, linear);
                lora.put(
                        layer + "/" + linear.name(),
                        new float[][] {
                            gaussian(random, rank * (int) shape[1], 0.1),
                            gaussian(random, (int) shape[0] * rank, 0.1)
                        });
            }
        }
        this.prompt = promptTokens == 0 ? null : gaussian(random, promptTokens * hidden, 0.5);
        int rows = 1;
        if (task instanceof ClassificationTask classification) {
            rows = classification.labels().size();
        } else if (task instanceof TokenClassificationTask tokens) {
            rows = tokens.labels().size();
        }
        if (headKind == HeadKind.LINEAR) {
            head.put(
                    headPrefix + ".weight",
                    tensor(new long[] {rows, hidden}, gaussian(random, rows * hidden, 0.3)));
            head.put(headPrefix + ".bias", tensor(new long[] {rows}, gaussian(random, rows, 0.1)));
        } else if (headKind == HeadKind.MLP) {
            head.put(
                    "classifier.dense.weight",
                    tensor(new long[] {hidden, hidden}, gaussian(random, hidden * hidden, 0.1)));
            head.put(
                    "classifier.dense.bias",
                    tensor(new long[] {hidden}, gaussian(random, hidden, 0.1)));
            head.put(
                    "classifier.out_proj.weight",
                    tensor(new long[] {rows, hidden}, gaussian(random, rows * hidden, 0.3)));
            head.put(
                    "classifier.out_proj.bias",
                    tensor(new long[] {rows}, gaussian(random, rows, 0.1)));
        }
    }

    double scaling() {
        return rsLora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    boolean hasLora() {
        return !lora.isEmpty();
    }

    /** The files a user uploads for this version. */
    Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, HostTensor> adapter = new LinkedHashMap<>();
        if (hasLora()) {
            List<String> names =
                    targets.stream().map(BertParameterNames::path).collect(Collectors.toList());
            files.put(
                    "adapter_config.json",
                    json(
                            "{\"peft_type\":\"LORA\",\"task_type\":\"SEQ_CLS\",\"r\":"
                                    + rank
                                    + ",\"lora_alpha\":"
                                    + alpha
                                    + ",\"use_rslora\":"
                                    + rsLora
                                    + ",\"target_modules\":"
                                    + quoted(names)
                                    + ",\"bias\":\"none\",\"fan_in_fan_out\":false,\"rank_pattern\":{},\"alpha_pattern\":{},"
                                    + "\"modules_to_save\":"
                                    + (headInAdapter ? "[\"classifier\"]" : "null")
                                    + ",\"base_model_name_or_path\":\"test\"}"));
            lora.forEach(
                    (key, ab) -> {
                        int layer = Integer.parseInt(key.split("/")[0]);
                        Projection linear = Projection.valueOf(key.split("/")[1]);
                        long[] shape = BertParameterNames.weightShape(config, linear);
                        String module =
                                "base_model.model.bert.encoder.layer."
                                        + layer
                                        + "."
                                        + BertParameterNames.path(linear);
                        adapter.put(
                                module + ".lora_A.weight",
                                tensor(new long[] {rank, shape[1]}, ab[0]));
                        adapter.put(
                                module + ".lora_B.weight",
                                tensor(new long[] {shape[0], rank}, ab[1]));
                    });
        } else if (prompt != null) {
            files.put(
                    "adapter_config.json",
                    json(
                            "{\"peft_type\":\"PROMPT_TUNING\",\"task_type\":\"SEQ_CLS\",\"num_virtual_tokens\":"
                                    + promptTokens
                                    + ",\"token_dim\":"
                                    + config.hiddenSize()
                                    + ",\"num_transformer_submodules\":1,"
                                    + "\"prompt_tuning_init\":\"RANDOM\"}"));
            adapter.put(
                    "prompt_embeddings",
                    tensor(new long[] {promptTokens, config.hiddenSize()}, prompt));
        }
        if (!head.isEmpty()) {
            if (headInAdapter && !adapter.isEmpty()) {
                // PEFT wraps the model twice for LoRA, once for prompt learning.
                String prefix = hasLora() ? "base_model.model." : "base_model.";
                head.forEach((name, tensor) -> adapter.put(prefix + name, tensor));
            } else {
                files.put("head.safetensors", TinyBertCheckpoints.safetensors(head));
            }
        }
        if (!adapter.isEmpty()) {
            files.put("adapter_model.safetensors", TinyBertCheckpoints.safetensors(adapter));
        }
        return files;
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static HostTensor tensor(long[] shape, float[] values) {
        return new HostTensor(shape, values, SafetensorsDType.F32);
    }

    static float[] gaussian(Random random, int count, double scale) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        return values;
    }

    static Builder builder(String id, TaskSpec task, BertConfig config) {
        return new Builder(id, task, config);
    }

    static final class Builder {
        private final String id;
        private final TaskSpec task;
        private final BertConfig config;
        private int rank;
        private double alpha;
        private boolean rsLora;
        private Set<Projection> targets = EnumSet.noneOf(Projection.class);
        private List<Integer> layers;
        private int promptTokens;
        private HeadKind headKind = HeadKind.NONE;
        private String headPrefix = "classifier";
        private boolean headInAdapter = true;

        private Builder(String id, TaskSpec task, BertConfig config) {
            this.id = id;
            this.task = task;
            this.config = config;
        }

        Builder lora(int rank, double alpha, Projection... targets) {
            this.rank = rank;
            this.alpha = alpha;
            this.targets = EnumSet.copyOf(List.of(targets));
            return this;
        }

        Builder rsLora() {
            this.rsLora = true;
            return this;
        }

        Builder onlyLayers(Integer... layers) {
            this.layers = new ArrayList<>(List.of(layers));
            return this;
        }

        Builder prompt(int tokens) {
            this.promptTokens = tokens;
            return this;
        }

        Builder head(HeadKind kind) {
            this.headKind = kind;
            return this;
        }

        Builder headNamed(String prefix) {
            this.headPrefix = prefix;
            return this;
        }

        Builder headInSeparateFile() {
            this.headInAdapter = false;
            return this;
        }

        RandomVfm build(Random random) {
            return new RandomVfm(this, random);
        }
    }

    /** The ten task shapes the exactness test mixes in one batch. */
    static List<RandomVfm> zoo(BertConfig config, Random random) {
        int layers = config.layers();
        List<String> three = List.of("neg", "neu", "pos");
        List<String> four = List.of("O", "PER", "LOC", "ORG");
        return List.of(
                builder("lora-qv-cls", new ClassificationTask(three, false, null, null), config)
                        .lora(4, 8, Projection.QUERY, Projection.VALUE)
                        .head(HeadKind.LINEAR)
                        .build(random),
                builder(
                                "lora-all-regression",
                                new RegressionTask(dev.fmplex.model.task.Pooling.MEAN, null),
                                config)
                        .lora(8, 16, Projection.values())
                        .head(HeadKind.LINEAR)
                        .headNamed("score")
                        .build(random),
                builder("lora-ffn-tokens", new TokenClassificationTask(four, null), config)
                        .lora(2, 4, Projection.INTERMEDIATE, Projection.OUTPUT)
                        .rsLora()
                        .head(HeadKind.LINEAR)
                        .build(random),
                builder(
                                "lora-key-some-layers-embed",
                                new EmbeddingTask(dev.fmplex.model.task.Pooling.MAX, true),
                                config)
                        .lora(16, 8, Projection.KEY, Projection.ATTENTION_OUTPUT)
                        .onlyLayers(0, layers - 1)
                        .build(random),
                builder(
                                "lora-early-exit-cls",
                                new ClassificationTask(
                                        List.of("a", "b"),
                                        false,
                                        dev.fmplex.model.task.Pooling.MEAN,
                                        layers - 1),
                                config)
                        .lora(4, 4, Projection.QUERY)
                        .head(HeadKind.LINEAR)
                        .headInSeparateFile()
                        .build(random),
                builder(
                                "prompt-mlp-cls",
                                new ClassificationTask(List.of("no", "yes"), false, null, null),
                                config)
                        .prompt(5)
                        .head(HeadKind.MLP)
                        .build(random),
                builder(
                                "prompt-embed-mean",
                                new EmbeddingTask(dev.fmplex.model.task.Pooling.MEAN, true),
                                config)
                        .prompt(3)
                        .build(random),
                builder(
                                "plain-embed-cls-early",
                                new EmbeddingTask(
                                        dev.fmplex.model.task.Pooling.CLS, false, layers / 2),
                                config)
                        .build(random),
                builder(
                                "plain-multilabel-max",
                                new ClassificationTask(
                                        four, true, dev.fmplex.model.task.Pooling.MAX, layers - 1),
                                config)
                        .head(HeadKind.LINEAR)
                        .build(random),
                builder(
                                "plain-regression-mean",
                                new RegressionTask(dev.fmplex.model.task.Pooling.MEAN, null),
                                config)
                        .head(HeadKind.LINEAR)
                        .build(random));
    }
}
