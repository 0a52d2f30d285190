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
}
