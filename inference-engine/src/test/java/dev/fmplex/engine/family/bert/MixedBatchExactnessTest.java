package dev.fmplex.engine.family.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.execution.BatchResult;
import dev.fmplex.engine.execution.BatchRow;
import dev.fmplex.engine.execution.RowResult;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.api.ClassificationOutput;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.RegressionOutput;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.api.TokenClassificationOutput;
import dev.fmplex.model.safetensors.SafetensorsDType;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.task.TokenClassificationTask;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Invariant 1 of DESIGN.md: virtualization is exact. Ten vFMs (LoRA on different modules, ranks and
 * layers, rsLoRA, soft prompts, linear/MLP/regression/token heads, early exit, every pooling)
 * imported from PEFT-layout files run interleaved in ONE batch of varied lengths; every row matches
 * that task's dedicated model (LoRA merged into copies of the weights, run alone) to 1e-4. Every
 * third row of a classification or regression vFM is a sentence pair (segment 1 on its second
 * text), as cross-encoders run.
 */
class MixedBatchExactnessTest {

    private static final double TOLERANCE = 1e-4;

    @Test
    void tinyBert() throws Exception {
        try (NDManager root = Engine.getEngine("PyTorch").newBaseManager()) {
            BackboneParameters<BertConfig> weights = tinyWeights(root);
            Random random = new Random(1234);
            List<long[]> texts = tinyTexts(random);
            checkExactness(
                    weights,
                    new BertBatchExecutor(new BertEncoder(weights), root),
                    root,
                    texts,
                    random,
                    30);
        }
    }

    /**
     * The same batch and bound on the ONNX Runtime path (a graph FMplex builds over the weights).
     */
    @Test
    void tinyBertOnOnnxRuntime() throws Exception {
        try (NDManager root = Engine.getEngine("PyTorch").newBaseManager()) {
            BackboneParameters<BertConfig> weights = tinyWeights(root);
            Random random = new Random(1234);
            List<long[]> texts = tinyTexts(random);
            try (OrtBertEncoder onnx =
                    new OrtBertEncoder(weights, 1, BertServedBackbone.LORA_STACK_BUDGET_BYTES)) {
                checkExactness(weights, new BertBatchExecutor(onnx, root), root, texts, random, 30);
            }
        }
    }

    @Test
    void bundledMiniLm() throws Exception {
        try (var runtime = BundledMiniLm.load(Device.cpu(), 256)) {
            List<long[]> texts = new ArrayList<>();
            for (String text :
                    List.of(
                            "Great product, would buy again.",
                            "The parcel arrived two weeks late and the box was crushed.",
                            "Alice flew from Paris to Tokyo with Bob.",
                            "ok",
                            "Is this the right place to ask about refunds for a cancelled subscription that was billed twice?",
                            "Terrible.",
                            "The committee will publish its final report on climate adaptation next spring.")) {
                texts.add(runtime.tokenizer().encode(text).ids());
            }
            checkExactness(
                    runtime.weights(), null, runtime.root(), texts, new Random(99), 24, runtime);
        }
    }

    @Test
    void bundledMiniLmOnOnnxRuntime() throws Exception {
        try (var runtime =
                BundledMiniLm.load(
                        new dev.fmplex.engine.family.BackboneLoadOptions(
                                Device.cpu(),
                                256,
                                dev.fmplex.engine.family.ExecutionPath.ONNX_RUNTIME,
                                Runtime.getRuntime().availableProcessors()))) {
            List<long[]> texts = new ArrayList<>();
            for (String text :
                    List.of(
                            "Great product, would buy again.",
                            "The parcel arrived two weeks late and the box was crushed.",
                            "ok",
                            "Is this the right place to ask about refunds for a cancelled subscription?",
                            "Terrible.")) {
                texts.add(runtime.tokenizer().encode(text).ids());
            }
            // The ONNX Runtime path released its DJL weights: the reference loads its own.
            try (var reference = BundledMiniLm.load(Device.cpu(), 256)) {
                assertThatThrownBy(runtime::weights).hasMessageContaining("were released");
                checkExactness(
                        reference.weights(),
                        null,
                        runtime.root(),
                        texts,
                        new Random(7),
                        20,
                        runtime);
            }
        }
    }

    private static BackboneParameters<BertConfig> tinyWeights(NDManager root) throws Exception {
        return BertParameterNames.parameters(
                TinyBertCheckpoints.TINY,
                TinyBertCheckpoints.toArrays(
                        TinyBertCheckpoints.randomWeights(
                                TinyBertCheckpoints.TINY, 11, SafetensorsDType.F32),
                        root));
    }

    /** Eight texts of 3-20 tokens, [CLS] = 1 and [SEP] = 2 around random ids. */
    private static List<long[]> tinyTexts(Random random) {
        List<long[]> texts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long[] ids = new long[3 + random.nextInt(18)];
            ids[0] = 1;
            ids[ids.length - 1] = 2;
            for (int t = 1; t < ids.length - 1; t++) {
                ids[t] = 3 + random.nextInt(TinyBertCheckpoints.TINY.vocabSize() - 3);
            }
            texts.add(ids);
        }
        return texts;
    }

    private void checkExactness(
            BackboneParameters<BertConfig> weights,
            BertBatchExecutor executor,
            NDManager root,
            List<long[]> texts,
            Random random,
            int rows)
            throws Exception {
        checkExactness(weights, executor, root, texts, random, rows, null);
    }

    private void checkExactness(
            BackboneParameters<BertConfig> weights,
            BertBatchExecutor executor,
            NDManager root,
            List<long[]> texts,
            Random random,
            int rowCount,
            dev.fmplex.engine.family.bert.BertServedBackbone runtime)
            throws Exception {
        List<RandomVfm> zoo = RandomVfm.zoo(weights.config(), random);
        VfmImporter importer =
                new VfmImporter(BertLoraSurface.of(weights.config(), runtime == null ? 24 : 256));
        List<VfmModel> models = new ArrayList<>();
        for (RandomVfm vfm : zoo) {
            models.add(importer.load(vfm.id, 1, vfm.task, vfm.files(), root));
        }
        // Every vFM gets rows; plain vFMs share texts so that sharing is exercised too.
        List<Integer> vfmOfRow = new ArrayList<>();
        List<long[]> textOfRow = new ArrayList<>();
        for (int i = 0; i < rowCount; i++) {
            int v = i % zoo.size();
            vfmOfRow.add(v);
            textOfRow.add(
                    texts.get(
                            zoo.get(v).id.startsWith("plain")
                                    ? i % 2
                                    : random.nextInt(texts.size())));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rowCount; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<BatchRow> batch = new ArrayList<>();
        int pairs = 0;
        for (int i : order) {
            long[] ids = textOfRow.get(i);
            TaskSpec task = zoo.get(vfmOfRow.get(i)).task;
            boolean pair =
                    i % 3 == 0
                            && (task instanceof ClassificationTask
                                    || task instanceof RegressionTask);
            EncodedText input =
                    pair
                            ? pairOf(ids, texts.get((i + 1) % texts.size()))
                            : new EncodedText(ids, ids.length);
            pairs += pair ? 1 : 0;
            batch.add(new BatchRow(models.get(vfmOfRow.get(i)), input));
        }
        assertThat(pairs).as("sentence pairs in the batch").isPositive();

        BatchResult result = runtime == null ? executor.execute(batch) : runtime.execute(batch);

        assertThat(result.tasks()).isEqualTo(zoo.size());
        assertThat(result.backboneRows())
                .as("plain rows on the same text share the forward")
                .isLessThan(rowCount);
        double worst = 0;
        for (int k = 0; k < batch.size(); k++) {
            int v = vfmOfRow.get(order.get(k));
            RandomVfm vfm = zoo.get(v);
            EncodedText input = (EncodedText) batch.get(k).input();
            RowResult row = result.results().get(k);
            assertThat(row).as("row %d of %s", k, vfm.id).isInstanceOf(RowResult.Success.class);
            TaskOutput output = ((RowResult.Success) row).output();
            DedicatedModel dedicated = new DedicatedModel(vfm, weights, root);
            double diff = difference(vfm, dedicated, input.ids(), input.typeIds(), output);
            assertThat(diff)
                    .as("max abs diff of %s row %d", vfm.id, k)
                    .isLessThanOrEqualTo(TOLERANCE);
            worst = Math.max(worst, diff);
        }
        System.out.printf(
                "exactness (%s): %d rows of %d vFMs, %d backbone rows, max abs diff %.3e%n",
                weights.config().hiddenSize() == 384 ? "MiniLM" : "tiny BERT",
                rowCount,
                zoo.size(),
                result.backboneRows(),
                worst);
        models.forEach(VfmModel::release);
    }

    /**
     * {@code [CLS] a [SEP] b [SEP]} from two single texts ({@code [CLS] ... [SEP]} each) with
     * segment 1 on {@code b}'s tokens and its [SEP], as a BERT tokenizer lays out a pair.
     */
    private static EncodedText pairOf(long[] first, long[] second) {
        int length = first.length + second.length - 1;
        long[] ids = new long[length];
        long[] types = new long[length];
        System.arraycopy(first, 0, ids, 0, first.length);
        System.arraycopy(second, 1, ids, first.length, second.length - 1);
        java.util.Arrays.fill(types, first.length, length, 1L);
        return new EncodedText(ids, length, null, types);
    }

    private static double difference(
            RandomVfm vfm,
            DedicatedModel dedicated,
            long[] ids,
            long[] typeIds,
            TaskOutput output) {
        double max = 0;
        if (output instanceof EmbeddingOutput embedding) {
            float[] expected = dedicated.embedding(ids);
            assertThat(embedding.embedding()).hasSameSizeAs(expected);
            for (int i = 0; i < expected.length; i++) {
                max = Math.max(max, Math.abs(expected[i] - embedding.embedding()[i]));
            }
        } else if (output instanceof ClassificationOutput classification) {
            double[] expected = dedicated.classScores(ids, typeIds);
            List<String> labels = ((ClassificationTask) vfm.task).labels();
            for (int i = 0; i < labels.size(); i++) {
                max =
                        Math.max(
                                max,
                                Math.abs(expected[i] - classification.scores().get(labels.get(i))));
            }
        } else if (output instanceof RegressionOutput regression) {
            max = Math.abs(dedicated.regression(ids, typeIds) - regression.value());
        } else if (output instanceof TokenClassificationOutput tokens) {
            double[][] expected = dedicated.tokenScores(ids);
            List<String> labels = ((TokenClassificationTask) vfm.task).labels();
            assertThat(tokens.tokens()).hasSize(expected.length);
            for (int t = 0; t < expected.length; t++) {
                var token = tokens.tokens().get(t);
                max =
                        Math.max(
                                max,
                                Math.abs(
                                        expected[t][labels.indexOf(token.label())]
                                                - token.score()));
            }
        }
        return max;
    }
}
