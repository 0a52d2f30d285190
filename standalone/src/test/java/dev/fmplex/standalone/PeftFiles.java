package dev.fmplex.standalone;

import dev.fmplex.engine.backbone.hf.TinyBertCheckpoints;
import dev.fmplex.engine.backbone.hf.TinyBertCheckpoints.HostTensor;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** PEFT artifacts for the bundled MiniLM (hidden 384, 6 layers), in PEFT's real key layout. */
final class PeftFiles {

    static final int HIDDEN = 384;

    private PeftFiles() {}

    /** A LoRA on query and value (r=4, alpha=8) with a 2-label classifier in modules_to_save. */
    static Map<String, byte[]> loraClassifier(long seed, int labels, int loraWidth) {
        Random random = new Random(seed);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (int layer = 0; layer < 6; layer++) {
            for (String module : new String[] {"query", "value"}) {
                String prefix =
                        "base_model.model.bert.encoder.layer."
                                + layer
                                + ".attention.self."
                                + module;
                tensors.put(prefix + ".lora_A.weight", tensor(random, 4, loraWidth));
                tensors.put(prefix + ".lora_B.weight", tensor(random, loraWidth, 4));
            }
        }
        tensors.put("base_model.model.classifier.weight", tensor(random, labels, HIDDEN));
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
    static final long LORA_CLASSIFIER_BYTES =
            12L * (4 * HIDDEN + HIDDEN * 4) * 4 + (2L * HIDDEN + 2) * 4;

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
