package dev.fmplex.engine.family.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VitCheckpointTest {

    private final NDManager manager = NDManager.newBaseManager();

    @TempDir Path directory;

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void aViTForImageClassificationCheckpointLoadsWithoutItsPoolerAndClassifier() throws Exception {
        VitConfig config = TinyVitCheckpoints.TINY;
        Map<String, HostTensor> weights = TinyVitCheckpoints.randomWeights(config, 1);
        TinyVitCheckpoints.write(directory, config, weights);

        BackboneParameters<VitConfig> loaded = VitCheckpoint.LAYOUT.load(directory, manager);

        assertThat(loaded.config()).isEqualTo(config);
        assertThat(loaded.byteSize()).isEqualTo(4 * config.parameterCount());
        String query = VitParameterNames.weight(1, dev.fmplex.engine.nn.Projection.QUERY);
        assertThat(loaded.get(query).toFloatArray()).containsExactly(weights.get(query).values());
        assertThat(loaded.get(VitParameterNames.CLS_TOKEN).toFloatArray())
                .containsExactly(weights.get(VitParameterNames.CLS_TOKEN).values());
    }

    @Test
    void aMissingTensorIsNamed() throws Exception {
        VitConfig config = TinyVitCheckpoints.TINY;
        Map<String, HostTensor> weights = TinyVitCheckpoints.randomWeights(config, 2);
        weights.remove("encoder.layer.1.layernorm_after.weight");
        TinyVitCheckpoints.write(directory, config, weights);

        assertThatThrownBy(() -> VitCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("1 required tensor(s) missing")
                .hasMessageContaining("encoder.layer.1.layernorm_after.weight");
    }

    @Test
    void aMisshapedTensorIsNamedWithItsShapeAndTheRequiredOne() throws Exception {
        VitConfig config = TinyVitCheckpoints.TINY;
        Map<String, HostTensor> weights =
                new LinkedHashMap<>(TinyVitCheckpoints.randomWeights(config, 3));
        // Position embeddings for a 12 x 12 image (9 patches + CLS) on an 8 x 8 model.
        weights.put(
                VitParameterNames.POSITION_EMBEDDINGS,
                new HostTensor(new long[] {1, 10, 16}, new float[160], SafetensorsDType.F32));
        TinyVitCheckpoints.write(directory, config, weights);

        assertThatThrownBy(() -> VitCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("'embeddings.position_embeddings' has shape [1, 10, 16]")
                .hasMessageContaining("requires [1, 5, 16]");
    }

    @Test
    void configurationsTheEncoderDoesNotImplementAreRefusedByField() throws Exception {
        String valid = TinyVitCheckpoints.configJson(TinyVitCheckpoints.TINY);

        assertThatThrownBy(
                        () ->
                                VitConfigReader.read(
                                        bytes(
                                                valid.replace(
                                                        "\"patch_size\":4", "\"patch_size\":3"))))
                .hasMessageContaining("image_size 8 is not a multiple of patch_size 3");
        assertThatThrownBy(
                        () ->
                                VitConfigReader.read(
                                        bytes(
                                                valid.replace(
                                                        "\"model_type\":\"vit\"",
                                                        "\"model_type\":\"deit\""))))
                .hasMessageContaining("model_type 'deit' is not supported");
        assertThatThrownBy(
                        () ->
                                VitConfigReader.read(
                                        bytes(
                                                valid.replace(
                                                        "\"hidden_act\":\"gelu\"",
                                                        "\"hidden_act\":\"relu\""))))
                .hasMessageContaining("hidden_act 'relu' is not supported");
        assertThatThrownBy(
                        () ->
                                VitConfigReader.read(
                                        bytes(
                                                valid.replace(
                                                        "\"qkv_bias\":true",
                                                        "\"qkv_bias\":false"))))
                .hasMessageContaining("qkv_bias must be true");
        assertThatThrownBy(
                        () ->
                                VitConfigReader.read(
                                        bytes(
                                                valid.replace(
                                                        "\"hidden_size\":16",
                                                        "\"hidden_size\":\"16\""))))
                .hasMessageContaining("'hidden_size' must be an integer");
    }

    @Test
    void aMissingWeightsFileIsNamed() throws Exception {
        TinyVitCheckpoints.writeConfig(
                directory, TinyVitCheckpoints.configJson(TinyVitCheckpoints.TINY));

        assertThatThrownBy(() -> VitCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("checkpoint file missing")
                .hasMessageContaining("model.safetensors");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
