package dev.fmplex.engine.family.bert;

import static dev.fmplex.engine.family.bert.TinyBertCheckpoints.TINY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.engine.text.TokenBatch;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A checkpoint written in Hugging Face layout loads to exactly the weights it was made from. */
class BertCheckpointTest {

    private static final TokenBatch TOKENS =
            TokenBatch.pad(
                    List.of(
                            new EncodedText(new long[] {1, 7, 33, 59, 2}, 5),
                            new EncodedText(new long[] {1, 12, 2}, 3)));

    @TempDir Path directory;
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @ParameterizedTest(name = "prefix ''{0}'' stored as {1}")
    @CsvSource({"'', F32", "bert., F32", "bert., F16", "'', BF16"})
    void givesTheSameOutputAsTheWeightsBuiltInMemory(String prefix, SafetensorsDType dtype)
            throws Exception {
        Map<String, HostTensor> weights = TinyBertCheckpoints.randomWeights(TINY, 42, dtype);
        TinyBertCheckpoints.write(directory, TINY, weights, prefix);

        BackboneParameters<BertConfig> loaded = BertCheckpoint.LAYOUT.load(directory, manager);

        BackboneParameters<BertConfig> inMemory =
                BertParameterNames.parameters(TINY, TinyBertCheckpoints.toArrays(weights, manager));
        assertThat(loaded.config()).isEqualTo(TINY);
        assertThat(maxAbsDiff(forward(loaded), forward(inMemory))).isLessThanOrEqualTo(1e-6f);
    }

    @Test
    void readsFilesWrittenByDjlsSafetensorsEncoder() throws Exception {
        Map<String, HostTensor> weights =
                TinyBertCheckpoints.randomWeights(TINY, 3, SafetensorsDType.F32);
        TinyBertCheckpoints.writeWithDjl(directory, TINY, weights, manager);

        BackboneParameters<BertConfig> loaded = BertCheckpoint.LAYOUT.load(directory, manager);

        BackboneParameters<BertConfig> inMemory =
                BertParameterNames.parameters(TINY, TinyBertCheckpoints.toArrays(weights, manager));
        assertThat(maxAbsDiff(forward(loaded), forward(inMemory))).isLessThanOrEqualTo(1e-6f);
    }

    @Test
    void differentWeightsGiveDifferentOutputs() throws Exception {
        // Guards the comparisons above: they would notice a loader that ignored the file.
        BackboneParameters<BertConfig> one =
                BertParameterNames.parameters(
                        TINY,
                        TinyBertCheckpoints.toArrays(
                                TinyBertCheckpoints.randomWeights(TINY, 1, SafetensorsDType.F32),
                                manager));
        BackboneParameters<BertConfig> two =
                BertParameterNames.parameters(
                        TINY,
                        TinyBertCheckpoints.toArrays(
                                TinyBertCheckpoints.randomWeights(TINY, 2, SafetensorsDType.F32),
                                manager));
        assertThat(maxAbsDiff(forward(one), forward(two))).isGreaterThan(1e-2f);
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        Map<String, HostTensor> weights =
                TinyBertCheckpoints.randomWeights(TINY, 42, SafetensorsDType.F32);
        weights.remove("encoder.layer.1.intermediate.dense.bias");
        TinyBertCheckpoints.write(directory, TINY, weights, "");
        assertThatThrownBy(() -> BertCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("missing")
                .hasMessageContaining("encoder.layer.1.intermediate.dense.bias");
    }

    @Test
    void misshapedTensorIsNamedWithBothShapes() throws Exception {
        Map<String, HostTensor> weights =
                TinyBertCheckpoints.randomWeights(TINY, 42, SafetensorsDType.F32);
        weights.put(
                "encoder.layer.0.attention.self.key.weight",
                new HostTensor(new long[] {16, 8}, new float[128], SafetensorsDType.F32));
        TinyBertCheckpoints.write(directory, TINY, weights, "bert.");
        assertThatThrownBy(() -> BertCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("encoder.layer.0.attention.self.key.weight")
                .hasMessageContaining("[16, 8]")
                .hasMessageContaining("[16, 16]");
    }

    @Test
    void integerWeightsAreRejectedByDtype() throws Exception {
        Map<String, HostTensor> weights =
                TinyBertCheckpoints.randomWeights(TINY, 42, SafetensorsDType.F32);
        weights.put(
                "embeddings.LayerNorm.bias",
                new HostTensor(new long[] {16}, new float[16], SafetensorsDType.I32));
        TinyBertCheckpoints.write(directory, TINY, weights, "");
        assertThatThrownBy(() -> BertCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("embeddings.LayerNorm.bias")
                .hasMessageContaining("I32");
    }

    @Test
    void truncatedFileIsRejectedBeforeDecoding() throws Exception {
        TinyBertCheckpoints.write(
                directory,
                TINY,
                TinyBertCheckpoints.randomWeights(TINY, 42, SafetensorsDType.F32),
                "");
        Path file = directory.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> BertCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("data section");
    }

    @Test
    void configErrorsNameTheField() throws Exception {
        TinyBertCheckpoints.write(
                directory,
                TINY,
                TinyBertCheckpoints.randomWeights(TINY, 42, SafetensorsDType.F32),
                "");
        String json = TinyBertCheckpoints.configJson(TINY);
        TinyBertCheckpoints.writeConfig(directory, json.replace("\"gelu\"", "\"relu\""));
        assertThatThrownBy(() -> BertCheckpoint.LAYOUT.load(directory, manager))
                .hasMessageContaining("hidden_act 'relu'");
        TinyBertCheckpoints.writeConfig(directory, json.replace("\"num_attention_heads\": 4,", ""));
        assertThatThrownBy(() -> BertCheckpoint.LAYOUT.load(directory, manager))
                .hasMessageContaining("'num_attention_heads' must be an integer");
        TinyBertCheckpoints.writeConfig(
                directory,
                json.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5"));
        assertThatThrownBy(() -> BertCheckpoint.LAYOUT.load(directory, manager))
                .hasMessageContaining("not a multiple of num_attention_heads 5");
        TinyBertCheckpoints.writeConfig(
                directory, json.replace("\"model_type\": \"bert\"", "\"model_type\": \"roberta\""));
        assertThatThrownBy(() -> BertCheckpoint.LAYOUT.load(directory, manager))
                .hasMessageContaining("model_type 'roberta'");
    }

    @Test
    void missingFilesAreNamed() {
        assertThatThrownBy(() -> BertCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("config.json");
    }

    private float[] forward(BackboneParameters<BertConfig> weights) {
        try (NDManager scope = manager.newSubManager()) {
            return new BertEncoder(weights).encode(scope, TOKENS).toFloatArray();
        }
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
