package dev.fmplex.standalone;

import dev.fmplex.engine.family.bert.TinyBertCheckpoints;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** PEFT artifacts for the bundled MiniLM (hidden 384, 6 layers), in PEFT's real key layout. */
final class PeftFiles {

    static final int HIDDEN = 384;

    private PeftFiles() {}

    /**
     * A LoRA on query and value (r=4, alpha=8) with a classifier in modules_to_save, for MiniLM; a
     * {@code loraWidth} other than {@link #HIDDEN} makes it an adapter for another base.
     */
    static Map<String, byte[]> loraClassifier(long seed, int labels, int loraWidth) {
        return loraClassifier(seed, labels, loraWidth, HIDDEN, 6);
    }

    /** The same adapter for a BERT of {@code hidden} width and {@code layers} layers. */
    static Map<String, byte[]> loraClassifier(
            long seed, int labels, int loraWidth, int hidden, int layers) {
        return loraClassifier(seed, labels, loraWidth, hidden, layers, 4);
    }

    /** The same with lora_B of rank {@code rankB}: r=4 disagrees with it unless it is 4. */
    static Map<String, byte[]> loraClassifier(
            long seed, int labels, int loraWidth, int hidden, int layers, int rankB) {
        Random random = new Random(seed);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (int layer = 0; layer < layers; layer++) {
            for (String module : new String[] {"query", "value"}) {
                String prefix =
                        "base_model.model.bert.encoder.layer."
                                + layer
                                + ".attention.self."
                                + module;
                tensors.put(prefix + ".lora_A.weight", tensor(random, 4, loraWidth));
                tensors.put(prefix + ".lora_B.weight", tensor(random, loraWidth, rankB));
            }
        }
        tensors.put("base_model.model.classifier.weight", tensor(random, labels, hidden));
        tensors.put("base_model.model.classifier.bias", tensor(random, labels));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(
                "adapter_config.json",
                utf8(
                        "{\"peft_type\":\"LORA\",\"task_type\":\"SEQ_CLS\",\"r\":4,\"lora_alpha\":8,"
                                + "\"target_modules\":[\"query\",\"value\"],\"modules_to_save\":[\"classifier\"],"
                                + "\"bias\":\"none\",\"base_model_name_or_path\":\"sentence-transformers/all-MiniLM-L6-v2\"}"));
        files.put("adapter_model.safetensors", TinyBertCheckpoints.safetensors(tensors));
        return files;
    }

    /**
     * Resident bytes of {@link #loraClassifier} with 2 labels: 12 modules of A and B, plus the
     * head.
     */
    static final long LORA_CLASSIFIER_BYTES = loraClassifierBytes(HIDDEN, 6);

    /** Resident bytes of a 2-label {@link #loraClassifier} for this width and depth. */
    static long loraClassifierBytes(int hidden, int layers) {
        return 2L * layers * (4 * hidden + hidden * 4) * 4 + (2L * hidden + 2) * 4;
    }

    static Map<String, byte[]> promptTuning(long seed, int tokens) {
        Random random = new Random(seed);
        Map<String, HostTensor> tensors =
                Map.of("prompt_embeddings", tensor(random, tokens, HIDDEN));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(
                "adapter_config.json",
                utf8(
                        "{\"peft_type\":\"PROMPT_TUNING\",\"task_type\":\"FEATURE_EXTRACTION\",\"num_virtual_tokens\":"
                                + tokens
                                + ",\"token_dim\":"
                                + HIDDEN
                                + ",\"num_transformer_submodules\":1}"));
        files.put("adapter_model.safetensors", TinyBertCheckpoints.safetensors(tensors));
        return files;
    }

    static HostTensor tensor(Random random, long... shape) {
        int count = 1;
        for (long dim : shape) {
            count *= (int) dim;
        }
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * 0.2);
        }
        return new HostTensor(shape, values, SafetensorsDType.F32);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
