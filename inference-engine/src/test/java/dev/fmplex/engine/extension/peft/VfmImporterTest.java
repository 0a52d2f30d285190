package dev.fmplex.engine.extension.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.family.bert.BertConfig;
import dev.fmplex.engine.family.bert.BertLoraSurface;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.model.safetensors.SafetensorsDType;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.task.TaskSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every way an upload can be wrong gets its own message, and a rejected upload allocates nothing:
 * the backbone's manager holds exactly the arrays it held before.
 */
class VfmImporterTest {

    private static final BertConfig CONFIG = TinyBertCheckpoints.TINY; // hidden 16, 2 layers
    private static final TaskSpec TWO_LABELS =
            new ClassificationTask(java.util.List.of("a", "b"), false, null, null);

    private NDManager root;
    private VfmImporter importer;

    @BeforeEach
    void setUp() {
        root = Engine.getEngine("PyTorch").newBaseManager();
        importer = new VfmImporter(BertLoraSurface.of(CONFIG, 24));
    }

    @AfterEach
    void tearDown() {
        root.close();
    }

    /** PEFT LoRA on query (r=2) for {@code layers} layers of width {@code hidden}, with a head. */
    private static Map<String, byte[]> lora(
            int hidden, int layers, int rankA, int rankB, int labels, String config) {
        return lora(hidden, layers, rankA, rankB, labels, config, "base_model.model.bert.");
    }

    /**
     * @param modelPrefix what PEFT puts before {@code encoder.}: {@code base_model.model.bert.} for
     *     a task model (BertForSequenceClassification), {@code base_model.model.} for a bare
     *     BertModel
     */
    private static Map<String, byte[]> lora(
            int hidden,
            int layers,
            int rankA,
            int rankB,
            int labels,
            String config,
            String modelPrefix) {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (int layer = 0; layer < layers; layer++) {
            String prefix = modelPrefix + "encoder.layer." + layer + ".attention.self.query";
            tensors.put(prefix + ".lora_A.weight", tensor(rankA, hidden));
            tensors.put(prefix + ".lora_B.weight", tensor(hidden, rankB));
        }
        tensors.put("base_model.model.classifier.weight", tensor(labels, hidden));
        tensors.put("base_model.model.classifier.bias", tensor(labels));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("adapter_config.json", config.getBytes(StandardCharsets.UTF_8));
        files.put("adapter_model.safetensors", TinyBertCheckpoints.safetensors(tensors));
        return files;
    }

    private static final String LORA_CONFIG =
            "{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":4,\"target_modules\":[\"query\"]}";

    private static Map<String, byte[]> valid() {
        return lora(16, 2, 2, 2, 2, LORA_CONFIG);
    }

    private static HostTensor tensor(long... shape) {
        int count = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] values = new float[count];
        Arrays.fill(values, 0.01f);
        return new HostTensor(shape, values, SafetensorsDType.F32);
    }

    private void rejects(
            TaskSpec task, Map<String, byte[]> files, String file, String... fragments) {
        int before = root.getManagedArrays().size();
        var assertion =
                assertThatThrownBy(() -> importer.load("v", 1, task, files, root))
                        .isInstanceOf(ArtifactException.class);
        for (String fragment : fragments) {
            assertion.hasMessageContaining(fragment);
        }
        assertion.satisfies(e -> assertThat(((ArtifactException) e).file()).isEqualTo(file));
        assertThat(root.getManagedArrays()).as("nothing half-loaded").hasSize(before);
    }

    @Test
    void aValidAdapterLoadsWithItsResidentBytes() throws Exception {
        VfmModel model = importer.load("v", 1, TWO_LABELS, valid(), root);
        // 2 layers x (A [2,16] + B [16,2]) + head [2,16] + bias [2], fp32
        assertThat(model.residentBytes()).isEqualTo((2 * (32 + 32) + 32 + 2) * 4L);
        assertThat(model.changesBackbone()).isTrue();
        model.release();
    }

    @Test
    void adaptersOfABareBertModelLoadLikeThoseOfATaskModel() throws Exception {
        VfmModel taskModel = importer.load("v", 1, TWO_LABELS, valid(), root);
        VfmModel bare =
                importer.load(
                        "w",
                        1,
                        TWO_LABELS,
                        lora(16, 2, 2, 2, 2, LORA_CONFIG, "base_model.model."),
                        root);
        assertThat(bare.changesBackbone()).isTrue();
        assertThat(bare.residentBytes()).isEqualTo(taskModel.residentBytes());
        taskModel.release();
        bare.release();
    }

    @Test
    void adaptersForAnotherBaseAreNamedAsSuch() {
        rejects(
                TWO_LABELS,
                lora(32, 2, 2, 2, 2, LORA_CONFIG),
                "adapter_model.safetensors",
                "adapter for another base",
                "attention.self.query");
        rejects(
                TWO_LABELS,
                lora(16, 3, 2, 2, 2, LORA_CONFIG),
                "adapter_model.safetensors",
                "adapter for another base",
                "encoder.layer.2",
                "2 layers");
    }

    @Test
    void rankMismatchesAreNamed() {
        rejects(
                TWO_LABELS,
                lora(16, 2, 2, 3, 2, LORA_CONFIG),
                "adapter_model.safetensors",
                "lora_A/lora_B rank mismatch",
                "rank 2",
                "rank 3");
        rejects(TWO_LABELS, lora(16, 2, 4, 4, 2, LORA_CONFIG), "adapter_model.safetensors", "r=2");
    }

    @Test
    void unknownTargetModulesAreNamed() {
        rejects(
                TWO_LABELS,
                lora(16, 2, 2, 2, 2, LORA_CONFIG.replace("\"query\"", "\"q_proj\"")),
                "adapter_config.json",
                "unknown target module",
                "q_proj");
        Map<String, HostTensor> tensors =
                Map.of(
                        "base_model.model.bert.encoder.layer.0.attention.self.q_proj.lora_A.weight",
                                tensor(2, 16),
                        "base_model.model.bert.encoder.layer.0.attention.self.q_proj.lora_B.weight",
                                tensor(16, 2));
        Map<String, byte[]> files = new LinkedHashMap<>(valid());
        files.put("adapter_model.safetensors", TinyBertCheckpoints.safetensors(tensors));
        rejects(TWO_LABELS, files, "adapter_model.safetensors", "unknown target module", "q_proj");
    }

    @Test
    void targetModulesMatchAsPeftMatchesThem() throws Exception {
        for (String targets :
                new String[] {
                    "[\"query\"]",
                    "[\"self.query\"]",
                    "[\"bert.encoder.layer.0.attention.self.query\","
                            + "\"bert.encoder.layer.1.attention.self.query\"]",
                    "\"bert\\\\.encoder\\\\.layer\\\\.\\\\d+\\\\.attention\\\\.self\\\\.(query|value)\"",
                    "\".*query\""
                }) {
            String config = LORA_CONFIG.replace("[\"query\"]", targets);
            VfmModel model = importer.load("v", 1, TWO_LABELS, lora(16, 2, 2, 2, 2, config), root);
            model.release();
        }
        rejects(
                TWO_LABELS,
                lora(16, 2, 2, 2, 2, LORA_CONFIG.replace("[\"query\"]", "\"q_proj\"")),
                "adapter_config.json",
                "matches no BERT module");
        Map<String, byte[]> pooler = new LinkedHashMap<>(valid());
        pooler.put(
                "adapter_model.safetensors",
                TinyBertCheckpoints.safetensors(
                        Map.of(
                                "base_model.model.bert.pooler.dense.lora_A.weight", tensor(2, 16),
                                "base_model.model.bert.pooler.dense.lora_B.weight",
                                        tensor(16, 2))));
        rejects(TWO_LABELS, pooler, "adapter_model.safetensors", "pooler");
    }

    @Test
    void labelCountsMustMatchTheHead() {
        rejects(
                TWO_LABELS,
                lora(16, 2, 2, 2, 3, LORA_CONFIG),
                null,
                "number of labels",
                "3 rows",
                "task.labels names 2");
        rejects(new RegressionTask(null, null), valid(), null, "2 rows", "regression head has 1");
        rejects(new EmbeddingTask(null, null), valid(), null, "embedding takes no head");
        Map<String, byte[]> noHead = new LinkedHashMap<>(valid());
        noHead.put(
                "adapter_model.safetensors",
                TinyBertCheckpoints.safetensors(
                        Map.of(
                                "base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight",
                                        tensor(2, 16),
                                "base_model.model.bert.encoder.layer.0.attention.self.query.lora_B.weight",
                                        tensor(16, 2))));
        rejects(TWO_LABELS, noHead, null, "needs a trained head");
    }

    @Test
    void badWeightsAndBadFilesAreRefused() {
        Map<String, byte[]> files = new LinkedHashMap<>(valid());
        float[] nan = new float[32];
        nan[3] = Float.POSITIVE_INFINITY;
        files.put(
                "head.safetensors",
                TinyBertCheckpoints.safetensors(
                        Map.of(
                                "weight",
                                new HostTensor(new long[] {2, 16}, nan, SafetensorsDType.F32))));
        rejects(TWO_LABELS, files, "head.safetensors", "Infinity", "finite");

        Map<String, byte[]> ints = new LinkedHashMap<>(valid());
        ints.put(
                "head.safetensors",
                TinyBertCheckpoints.safetensors(
                        Map.of(
                                "weight",
                                new HostTensor(
                                        new long[] {2, 16}, new float[32], SafetensorsDType.I32))));
        rejects(TWO_LABELS, ints, "head.safetensors", "I32", "supported are F32, F16 and BF16");

        Map<String, byte[]> truncated = new LinkedHashMap<>(valid());
        byte[] adapter = truncated.get("adapter_model.safetensors");
        truncated.put("adapter_model.safetensors", Arrays.copyOf(adapter, adapter.length - 10));
        rejects(TWO_LABELS, truncated, "adapter_model.safetensors", "data section");

        Map<String, byte[]> lying = new LinkedHashMap<>(valid());
        byte[] header = lying.get("adapter_model.safetensors").clone();
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        lying.put("adapter_model.safetensors", header);
        rejects(TWO_LABELS, lying, "adapter_model.safetensors", "header length field says");

        Map<String, byte[]> unknown = new LinkedHashMap<>(valid());
        unknown.put("pytorch_model.bin", new byte[] {1});
        rejects(TWO_LABELS, unknown, "pytorch_model.bin", "not an accepted artifact");

        Map<String, byte[]> configOnly =
                Map.of("adapter_config.json", LORA_CONFIG.getBytes(StandardCharsets.UTF_8));
        rejects(TWO_LABELS, configOnly, null, "needs both");

        rejects(
                TWO_LABELS,
                lora(16, 2, 2, 2, 2, "{\"peft_type\":\"IA3\"}"),
                "adapter_config.json",
                "IA3");
        rejects(
                TWO_LABELS,
                lora(16, 2, 2, 2, 2, LORA_CONFIG.replace("}", ",\"rank_pattern\":{\"query\":4}}")),
                "adapter_config.json",
                "rank_pattern");
    }

    @Test
    void promptShapesAreChecked() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(
                "adapter_config.json",
                "{\"peft_type\":\"PROMPT_TUNING\",\"num_virtual_tokens\":4,\"token_dim\":16}"
                        .getBytes(StandardCharsets.UTF_8));
        files.put(
                "adapter_model.safetensors",
                TinyBertCheckpoints.safetensors(Map.of("prompt_embeddings", tensor(3, 16))));
        rejects(
                new EmbeddingTask(null, null),
                files,
                "adapter_model.safetensors",
                "[3, 16]",
                "[4, 16]");
        files.put(
                "adapter_config.json",
                "{\"peft_type\":\"PROMPT_TUNING\",\"num_virtual_tokens\":3,\"token_dim\":32}"
                        .getBytes(StandardCharsets.UTF_8));
        rejects(
                new EmbeddingTask(null, null),
                files,
                "adapter_config.json",
                "another base",
                "token_dim 32");
        files.put(
                "adapter_config.json",
                "{\"peft_type\":\"PROMPT_TUNING\",\"num_virtual_tokens\":30}"
                        .getBytes(StandardCharsets.UTF_8));
        files.put(
                "adapter_model.safetensors",
                TinyBertCheckpoints.safetensors(Map.of("prompt_embeddings", tensor(30, 16))));
        rejects(
                new EmbeddingTask(null, null),
                files,
                "adapter_config.json",
                "the backbone has 16 positions left");
    }
}
