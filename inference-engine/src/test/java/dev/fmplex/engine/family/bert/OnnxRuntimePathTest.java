package dev.fmplex.engine.family.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ONNX Runtime path against the eager reference on passes no row of which changes the backbone
 * (its plain graph); mixed passes with LoRA and prompts are in {@link MixedBatchExactnessTest}.
 */
class OnnxRuntimePathTest {

    @Test
    void plainPassesEmbedAsTheEagerEncoderDoes() throws Exception {
        List<String> texts =
                List.of(
                        "A short one.",
                        "FMplex batches many tasks through one backbone forward pass.",
                        "ok");
        try (BertServedBackbone eager = BundledMiniLm.load(Device.cpu(), 128);
                BertServedBackbone onnx =
                        BundledMiniLm.load(
                                new BackboneLoadOptions(
                                        Device.cpu(), 128, ExecutionPath.ONNX_RUNTIME, 1))) {
            List<EncodedText> rows = eager.tokenizer().encodeAll(texts);
            EmbeddingTask task = new EmbeddingTask(Pooling.MEAN, true);
            List<float[]> expected = eager.embed(rows, task);
            List<float[]> actual = onnx.embed(rows, task);
            double worst = 0;
            for (int i = 0; i < expected.size(); i++) {
                for (int j = 0; j < expected.get(i).length; j++) {
                    worst = Math.max(worst, Math.abs(expected.get(i)[j] - actual.get(i)[j]));
                }
            }
            assertThat(worst).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void theOnnxRuntimePathRefusesAGpuNamingTheSetting() {
        assertThatThrownBy(
                        () ->
                                new BackboneLoadOptions(
                                        Device.gpu(), 128, ExecutionPath.ONNX_RUNTIME, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("execution eager");
    }

    @Test
    void executionPathsAreNamedAsTheSettingSpellsThem() {
        assertThat(ExecutionPath.fromName("onnxruntime")).isEqualTo(ExecutionPath.ONNX_RUNTIME);
        assertThat(ExecutionPath.fromName(" Eager ")).isEqualTo(ExecutionPath.EAGER);
        assertThatThrownBy(() -> ExecutionPath.fromName("tensorrt"))
                .hasMessageContaining("tensorrt")
                .hasMessageContaining("auto, eager, onnxruntime");
    }

    @Test
    void autoRunsOnnxRuntimeOnTheCpuAndEagerOnAGpu() {
        assertThat(ExecutionPath.forSetting("auto", Device.cpu()))
                .isEqualTo(ExecutionPath.ONNX_RUNTIME);
        assertThat(ExecutionPath.forSetting(" AUTO", Device.gpu())).isEqualTo(ExecutionPath.EAGER);
        assertThat(ExecutionPath.forSetting("eager", Device.cpu())).isEqualTo(ExecutionPath.EAGER);
    }
}
