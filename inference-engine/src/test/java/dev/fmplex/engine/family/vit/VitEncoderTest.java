package dev.fmplex.engine.family.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.engine.nn.ReferenceMath;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VitEncoderTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void theEncoderComputesWhatAPlainJavaViTComputes() throws Exception {
        VitConfig config = TinyVitCheckpoints.TINY;
        Map<String, HostTensor> weights = TinyVitCheckpoints.randomWeights(config, 11);
        NDManager weightsManager = manager.newSubManager();
        VitEncoder encoder =
                new VitEncoder(
                        VitParameterNames.parameters(
                                config, TinyVitCheckpoints.toArrays(weights, weightsManager)));
        // As in a worker: nothing a batch computes may attach to the weights' manager.
        weightsManager.cap();
        int rows = 3;
        float[] pixels = TinyVitCheckpoints.randomPixels(config, rows, 12);
        int perImage = config.channels() * config.imageSize() * config.imageSize();

        float[] ours;
        try (NDManager batch = manager.newSubManager()) {
            NDArray input =
                    batch.create(
                            pixels,
                            new Shape(
                                    rows,
                                    config.channels(),
                                    config.imageSize(),
                                    config.imageSize()));
            ours = encoder.encode(input).toFloatArray();
        }

        ReferenceVit reference = new ReferenceVit(config, weights);
        double maxDiff = 0;
        int tokens = config.sequenceLength();
        int h = config.hiddenSize();
        for (int r = 0; r < rows; r++) {
            double[][] expected = reference.lastHiddenState(pixels, r * perImage);
            for (int t = 0; t < tokens; t++) {
                for (int j = 0; j < h; j++) {
                    maxDiff =
                            Math.max(
                                    maxDiff,
                                    Math.abs(ours[(r * tokens + t) * h + j] - expected[t][j]));
                }
            }
        }
        System.out.printf("ViT encoder vs plain-Java reference: max abs diff %.2e%n", maxDiff);
        assertThat(maxDiff).isLessThan(1e-4);
    }

    @Test
    void anImageOfAnotherSizeIsRefusedWithBothShapes() throws Exception {
        VitConfig config = TinyVitCheckpoints.TINY;
        VitEncoder encoder =
                new VitEncoder(
                        VitParameterNames.parameters(
                                config,
                                TinyVitCheckpoints.toArrays(
                                        TinyVitCheckpoints.randomWeights(config, 1), manager)));
        try (NDManager batch = manager.newSubManager()) {
            NDArray wrong = batch.zeros(new Shape(1, 3, 16, 16));

            assertThatThrownBy(() -> encoder.encode(wrong))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pixels must be [rows, 3, 8, 8], are (1, 3, 16, 16)");
        }
    }

    @Test
    void theReferenceErfIsAccurate() {
        // Known values of erf to 15 digits.
        assertThat(ReferenceMath.erf(0.5))
                .isCloseTo(0.520499877813047, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ReferenceMath.erf(-1.5))
                .isCloseTo(-0.966105146475311, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ReferenceMath.erf(3.5))
                .isCloseTo(0.999999256901628, org.assertj.core.data.Offset.offset(1e-12));
    }
}
