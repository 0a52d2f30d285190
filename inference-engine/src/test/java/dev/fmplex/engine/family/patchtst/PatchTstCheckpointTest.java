package dev.fmplex.engine.family.patchtst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.family.patchtst.PatchTstConfig.Scaling;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchTstCheckpointTest {

    private final NDManager manager = NDManager.newBaseManager();

    @TempDir Path directory;

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void aPredictionCheckpointLoadsWithoutItsHeadAndBatchCounters() throws Exception {
        PatchTstConfig config = TinyPatchTstCheckpoints.TINY;
        Map<String, HostTensor> weights = TinyPatchTstCheckpoints.randomWeights(config, 1);
        TinyPatchTstCheckpoints.write(directory, config, weights);

        BackboneParameters<PatchTstConfig> loaded =
                PatchTstCheckpoint.LAYOUT.load(directory, manager);

        assertThat(loaded.config()).isEqualTo(config);
        String key = PatchTstParameterNames.weight(1, Projection.KEY);
        assertThat(loaded.get(key).toFloatArray()).containsExactly(weights.get(key).values());
        String variance = PatchTstParameterNames.norm(config, 0, 3) + ".running_var";
        assertThat(loaded.get(variance).toFloatArray())
                .containsExactly(weights.get(variance).values());
        long expectedBytes =
                4L * weights.values().stream().mapToLong(tensor -> tensor.values().length).sum();
        assertThat(loaded.byteSize()).isEqualTo(expectedBytes);
    }

    @Test
    void theVariantsOptionalTensorsAreReadOrLeftOut() throws Exception {
        PatchTstConfig config = TinyPatchTstCheckpoints.VARIANT;
        TinyPatchTstCheckpoints.write(
                directory, config, TinyPatchTstCheckpoints.randomWeights(config, 2));

        BackboneParameters<PatchTstConfig> loaded =
                PatchTstCheckpoint.LAYOUT.load(directory, manager);

        assertThat(loaded.get(PatchTstParameterNames.CLS_TOKEN).getShape().dimension())
                .isEqualTo(4);
        assertThat(PatchTstConfigReader.read(bytes(TinyPatchTstCheckpoints.configJson(config))))
                .isEqualTo(config);
    }

    @Test
    void missingAndMisshapedTensorsAreNamed() throws Exception {
        PatchTstConfig config = TinyPatchTstCheckpoints.TINY;
        Map<String, HostTensor> weights =
                new LinkedHashMap<>(TinyPatchTstCheckpoints.randomWeights(config, 3));
        weights.remove("encoder.layers.1.norm_sublayer1.batchnorm.running_mean");
        TinyPatchTstCheckpoints.write(directory, config, weights);
        assertThatThrownBy(() -> PatchTstCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("1 required tensor(s) missing")
                .hasMessageContaining("encoder.layers.1.norm_sublayer1.batchnorm.running_mean");

        weights = new LinkedHashMap<>(TinyPatchTstCheckpoints.randomWeights(config, 4));
        // Position encodings for 5 patches on a model of 3.
        weights.put(
                PatchTstParameterNames.POSITIONS,
                new HostTensor(new long[] {5, 16}, new float[80], SafetensorsDType.F32));
        TinyPatchTstCheckpoints.write(directory, config, weights);
        assertThatThrownBy(() -> PatchTstCheckpoint.LAYOUT.load(directory, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("'encoder.positional_encoder.position_enc' has shape [5, 16]")
                .hasMessageContaining("requires [3, 16]");
    }

    @Test
    void configurationsTheEncoderDoesNotImplementAreRefusedByField() throws Exception {
        String valid = TinyPatchTstCheckpoints.configJson(TinyPatchTstCheckpoints.TINY);

        assertRefused(
                valid.replace("\"channel_attention\":false", "\"channel_attention\":true"),
                "channel_attention must be false");
        assertRefused(
                valid.replace("\"share_embedding\":true", "\"share_embedding\":false"),
                "share_embedding must be true");
        assertRefused(
                valid.replace(
                        "\"activation_function\":\"gelu\"", "\"activation_function\":\"relu\""),
                "activation_function 'relu' is not supported");
        assertRefused(
                valid.replace("\"norm_type\":\"batchnorm\"", "\"norm_type\":\"rmsnorm\""),
                "norm_type 'rmsnorm' is not supported");
        assertRefused(
                valid.replace("\"context_length\":12", "\"context_length\":4"),
                "context_length 4 must exceed patch_length 4");
        assertRefused(
                valid.replace("\"model_type\":\"patchtst\"", "\"model_type\":\"patchtsmixer\""),
                "model_type 'patchtsmixer' is not supported");
    }

    @Test
    void scalingFollowsTransformersRule() throws Exception {
        String valid = TinyPatchTstCheckpoints.configJson(TinyPatchTstCheckpoints.TINY);
        assertThat(read(valid.replace("\"scaling\":\"std\"", "\"scaling\":true")).scaling())
                .isEqualTo(Scaling.MEAN);
        assertThat(read(valid.replace("\"scaling\":\"std\"", "\"scaling\":null")).scaling())
                .isEqualTo(Scaling.NONE);
        assertThat(read(valid.replace("\"scaling\":\"std\",", "")).scaling())
                .isEqualTo(Scaling.STD);
    }

    private static PatchTstConfig read(String json) throws WeightLoadException {
        return PatchTstConfigReader.read(bytes(json));
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> read(json))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining(message);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
