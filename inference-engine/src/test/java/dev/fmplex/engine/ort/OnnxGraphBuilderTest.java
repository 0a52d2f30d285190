package dev.fmplex.engine.ort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A graph written by the builder is one ONNX Runtime accepts and computes as written. */
class OnnxGraphBuilderTest {

    @Test
    void aWrittenGraphRunsWithItsInitializersSymbolicSizesAndAttributes() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("test");
        g.input("x", OnnxGraphBuilder.FLOAT, "rows", 3L);
        String weights = g.initializer("w", new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        String product = g.node("MatMul", "x", weights);
        String probabilities =
                g.node("Softmax", List.of(product), OnnxGraphBuilder.attributes("axis", -1L));
        String named = g.node("Identity", List.of(probabilities), Map.of(), "y");
        g.output(named, OnnxGraphBuilder.FLOAT, "rows", 2L);
        try (OrtSession session = OrtSessions.create(g, 17, 1);
                OnnxTensor x =
                        OnnxTensor.createTensor(
                                OrtSessions.environment(),
                                FloatBuffer.wrap(new float[] {1, 0, 0, 0, 0, 1}),
                                new long[] {2, 3});
                OrtSession.Result result = session.run(Map.of("x", x))) {
            float[] y = ((OnnxTensor) result.get("y").orElseThrow()).getFloatBuffer().array();
            // Row 1: softmax(1, 2); row 2: softmax(5, 6): both (1/(1+e), e/(1+e)).
            double low = 1 / (1 + Math.E);
            assertThat(y).hasSize(4);
            assertThat(y[0]).isCloseTo((float) low, org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(y[3])
                    .isCloseTo((float) (1 - low), org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void aLazyInitializerIsProducedOnlyWhenWrittenAndMustMatchItsShape() {
        AtomicInteger produced = new AtomicInteger();
        OnnxGraphBuilder g = new OnnxGraphBuilder("lazy");
        g.input("x", OnnxGraphBuilder.FLOAT, 2L);
        String w =
                g.initializer(
                        "w",
                        () -> {
                            produced.incrementAndGet();
                            return new float[] {1, 2, 3};
                        },
                        2);
        g.output(g.node("Add", "x", w), OnnxGraphBuilder.FLOAT, 2L);
        assertThat(produced).hasValue(0);
        assertThatThrownBy(() -> g.toModel(17))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'w' gave 3 values for shape [2]");
        assertThat(produced).hasValue(1);
    }

    /**
     * Two graphs sharing a large weight by name: it is written once, page-aligned, read back by
     * ONNX Runtime from the external file in both sessions, and the small weight stays inline.
     */
    @Test
    void graphsSharingExternalWeightsComputeAsWithInlineOnes() throws Exception {
        int width = 4096; // 16 KB of floats: the smallest tensor that goes external
        float[] big = new float[width];
        for (int i = 0; i < width; i++) {
            big[i] = (i % 7) - 3;
        }
        AtomicInteger produced = new AtomicInteger();
        List<OnnxGraphBuilder> graphs = new java.util.ArrayList<>();
        for (String op : List.of("Add", "Mul")) {
            OnnxGraphBuilder g = new OnnxGraphBuilder(op);
            g.input("x", OnnxGraphBuilder.FLOAT, 1L, (long) width);
            String shared =
                    g.initializer(
                            "shared",
                            () -> {
                                produced.incrementAndGet();
                                return big;
                            },
                            1,
                            width);
            String small = g.initializer("small", new float[] {2f}, 1);
            g.output(
                    g.node("Mul", List.of(g.node(op, "x", shared), small), Map.of(), "y"),
                    OnnxGraphBuilder.FLOAT,
                    1L,
                    (long) width);
            graphs.add(g);
        }
        float[] x = new float[width];
        java.util.Arrays.fill(x, 1.5f);
        List<OrtSession> sessions = OrtSessions.createSharing(graphs, 17, 1);
        try (OnnxTensor input =
                OnnxTensor.createTensor(
                        OrtSessions.environment(), FloatBuffer.wrap(x), new long[] {1, width})) {
            float[][] outputs = new float[2][];
            for (int s = 0; s < 2; s++) {
                try (OrtSession.Result result = sessions.get(s).run(Map.of("x", input))) {
                    outputs[s] =
                            ((OnnxTensor) result.get("y").orElseThrow()).getFloatBuffer().array();
                }
            }
            for (int i = 0; i < width; i++) {
                assertThat(outputs[0][i]).isEqualTo((1.5f + big[i]) * 2f);
                assertThat(outputs[1][i]).isEqualTo((1.5f * big[i]) * 2f);
            }
        } finally {
            for (OrtSession session : sessions) {
                session.close();
            }
        }
        assertThat(produced).as("the shared weight is produced and written once").hasValue(1);
    }

    @Test
    void aNameWrittenExternallyWithAnotherSizeIsRefused() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("fmplex-test-", ".bin");
        try (ExternalWeights weights = new ExternalWeights(file)) {
            for (int width : new int[] {4096, 8192}) {
                OnnxGraphBuilder g = new OnnxGraphBuilder("g" + width);
                g.input("x", OnnxGraphBuilder.FLOAT, (long) width);
                g.output(
                        g.node("Add", "x", g.initializer("w", new float[width], width)),
                        OnnxGraphBuilder.FLOAT,
                        (long) width);
                if (width == 4096) {
                    g.writeModel(java.io.OutputStream.nullOutputStream(), 17, weights);
                    assertThat(java.nio.file.Files.size(file)).isEqualTo(4L * width);
                } else {
                    assertThatThrownBy(
                                    () ->
                                            g.writeModel(
                                                    java.io.OutputStream.nullOutputStream(),
                                                    17,
                                                    weights))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining(
                                    "'w' is 32768 bytes here but was written with 16384");
                }
            }
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
