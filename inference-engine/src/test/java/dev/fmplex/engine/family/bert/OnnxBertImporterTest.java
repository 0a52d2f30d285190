package dev.fmplex.engine.family.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.checkpoint.onnx.OnnxGraph;
import dev.fmplex.engine.checkpoint.onnx.OnnxModelReader;
import dev.fmplex.engine.checkpoint.onnx.OnnxNode;
import dev.fmplex.engine.checkpoint.onnx.OnnxTensor;
import dev.fmplex.engine.nn.Projection;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mapping the bundled ONNX export onto BERT names: by graph position, checked every way. */
class OnnxBertImporterTest {

    private static OnnxGraph graph;
    private NDManager manager;

    @BeforeAll
    static void readGraph() throws Exception {
        try (InputStream in =
                OnnxBertImporterTest.class
                        .getClassLoader()
                        .getResourceAsStream("all-minilm-l6-v2.onnx")) {
            graph = OnnxModelReader.read(in.readAllBytes());
        }
    }

    @BeforeEach
    void setUp() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void readsAllInitializersAndMapsThe36ProjectionsInOrder() throws Exception {
        assertThat(graph.initializers()).containsKey("embeddings.word_embeddings.weight");
        BackboneParameters<BertConfig> weights =
                OnnxBertImporter.importWeights(graph, BundledMiniLm.CONFIG, manager);
        assertThat(weights.get("encoder.layer.5.output.dense.weight").getShape().getShape())
                .containsExactly(384, 1536);
        assertThat(weights.byteSize()).isEqualTo(BundledMiniLm.CONFIG.parameterCount() * 4);
        // The stored MatMul operand is W^T: our [out, in] weight must be its transpose.
        OnnxTensor queryOperand = graph.initializers().get(firstProjection().inputs().get(1));
        float[] stored = queryOperand.floats();
        float[] mapped = weights.get(BertParameterNames.weight(0, Projection.QUERY)).toFloatArray();
        assertThat(mapped[1]).isEqualTo(stored[384]);
        assertThat(mapped[384]).isEqualTo(stored[1]);
    }

    @Test
    void aConfigThatDisagreesWithTheShapesIsRefused() {
        BertConfig wrongWidth = new BertConfig(30522, 384, 6, 12, 1024, 512, 2, 1e-12f);
        assertThatThrownBy(() -> OnnxBertImporter.importWeights(graph, wrongWidth, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining(
                        "intermediate.dense.weight needs the transpose of [1024, 384]");
        BertConfig wrongDepth = new BertConfig(30522, 384, 4, 12, 1536, 512, 2, 1e-12f);
        assertThatThrownBy(() -> OnnxBertImporter.importWeights(graph, wrongDepth, manager))
                .hasMessageContaining("36 MatMul nodes")
                .hasMessageContaining("4 layers need 24");
    }

    @Test
    void swappedGraphPositionsAreCaughtByTheBiasThatFollows() {
        List<OnnxNode> nodes = new ArrayList<>(graph.nodes());
        OnnxNode query = firstProjection();
        int queryIndex = nodes.indexOf(query);
        int keyIndex = -1;
        for (int i = queryIndex + 1; i < nodes.size(); i++) {
            if (nodes.get(i).opType().equals("MatMul")
                    && graph.initializers().containsKey(nodes.get(i).inputs().get(1))) {
                keyIndex = i;
                break;
            }
        }
        nodes.set(queryIndex, nodes.get(keyIndex));
        nodes.set(keyIndex, query);
        OnnxGraph swapped = new OnnxGraph(nodes, graph.initializers());
        assertThatThrownBy(
                        () ->
                                OnnxBertImporter.importWeights(
                                        swapped, BundledMiniLm.CONFIG, manager))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("encoder.layer.0.attention.self.query.bias")
                .hasMessageContaining("encoder.layer.0.attention.self.key.bias");
    }

    private static OnnxNode firstProjection() {
        return graph.nodes().stream()
                .filter(
                        n ->
                                n.opType().equals("MatMul")
                                        && graph.initializers().containsKey(n.inputs().get(1)))
                .findFirst()
                .orElseThrow();
    }
}
