package dev.fmplex.engine.family.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.family.clip.ClipParameterNames.Tower;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipCheckpointTest {

    private final NDManager manager = NDManager.newBaseManager();

    @TempDir Path directory;

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void aClipModelCheckpointLoadsBothTowersWithoutItsPositionIdBuffers() throws Exception {
        ClipConfig config = TinyClipCheckpoints.TINY;
        Map<String, HostTensor> weights = TinyClipCheckpoints.randomWeights(config, 1);
        TinyClipCheckpoints.write(directory, config, weights);

        BackboneParameters<ClipConfig> loaded = ClipCheckpoint.LAYOUT.load(directory, manager);

        assertThat(loaded.config()).isEqualTo(config);
        for (String name :
                new String[] {
                    ClipParameterNames.weight(Tower.VISION, 1, Projection.VALUE),
                    ClipParameterNames.weight(Tower.TEXT, 0, Projection.INTERMEDIATE),
                    ClipParameterNames.PRE_LAYER_NORM + ".weight",
                    ClipParameterNames.CLASS_EMBEDDING
                }) {
            assertThat(loaded.get(name).toFloatArray()).containsExactly(weights.get(name).values());
        }
        assertThat(loaded.get(ClipParameterNames.LOGIT_SCALE).getShape().dimension()).isZero();
    }

    @Test
    void missingAndMisshapedTensorsAreNamed() throws Exception {
        ClipConfig config = TinyClipCheckpoints.TINY;
        Map<String, HostTensor> weights =
                new LinkedHashMap<>(TinyClipCheckpoints.randomWeights(config, 2));
        weights.remove(ClipParameterNames.PRE_LAYER_NORM + ".bias");
        TinyClipCheckpoints.write(directory, config, weights);
        assertThatThrownBy(() -> ClipCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("vision_model.pre_layrnorm.bias");

        weights = new LinkedHashMap<>(TinyClipCheckpoints.randomWeights(config, 3));
        weights.put(
                ClipParameterNames.TEXT_PROJECTION,
                new HostTensor(new long[] {8, 12}, new float[96], SafetensorsDType.F32));
        TinyClipCheckpoints.write(directory, config, weights);
        assertThatThrownBy(() -> ClipCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("'text_projection.weight' has shape [8, 12]")
                .hasMessageContaining("requires [8, 16]");
    }

    @Test
    void configurationsAreReadAsTransformersReadsThem() throws Exception {
        String valid = TinyClipCheckpoints.configJson(TinyClipCheckpoints.TINY);
        // The legacy *_dict of old hub files overrides the tower config.
        String legacy =
                valid.replace(
                        "\"projection_dim\":8,",
                        "\"projection_dim\":8,\"vision_config_dict\":{\"hidden_size\":16,"
                                + "\"num_hidden_layers\":1,\"num_attention_heads\":4,"
                                + "\"intermediate_size\":32,\"image_size\":8,\"patch_size\":4},");
        assertThat(ClipConfigReader.read(bytes(legacy)).vision().layers()).isEqualTo(1);
        assertThatThrownBy(
                        () ->
                                ClipConfigReader.read(
                                        bytes(
                                                valid.replaceFirst(
                                                        "\"hidden_act\":\"quick_gelu\"",
                                                        "\"hidden_act\":\"relu\""))))
                .hasMessageContaining("text_config.hidden_act 'relu' is not supported");
        assertThatThrownBy(
                        () ->
                                ClipConfigReader.read(
                                        bytes(
                                                valid.replace(
                                                        "\"model_type\":\"clip\"",
                                                        "\"model_type\":\"siglip\""))))
                .hasMessageContaining("model_type 'siglip' is not supported");
        assertThatThrownBy(
                        () ->
                                ClipConfigReader.read(
                                        bytes(
                                                valid.replace(
                                                        "\"patch_size\":4", "\"patch_size\":3"))))
                .hasMessageContaining(
                        "vision_config.image_size 8 is not a multiple of patch_size 3");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
