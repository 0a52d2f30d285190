package dev.fmplex.bench.serving;

import ai.djl.Device;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fmplex.bench.Langchain4jMiniLm;
import dev.fmplex.engine.execution.MicroBatches;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.family.bert.BundledMiniLm;
import dev.fmplex.engine.nn.IntraOpThreads;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.engine.text.TokenBatch;
import dev.fmplex.model.task.EmbeddingTask;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Backbone-only throughput with real batching: FMplex's encoder (on the run's execution path) vs
 * ONNX Runtime on the same ONNX file langchain4j ships, over the very same passes (the worker's
 * plan: rows sorted by length, at most 2048 padded tokens per pass), at equal intra-op threads.
 * Both sides mean-pool and L2-normalize; nothing else runs. ONNX Runtime's threads do not spin (see
 * {@link Langchain4jMiniLm#withoutSpinning()}).
 */
final class BackboneThroughput {

    /** Sentences per second of each side at one thread count (medians over the rounds). */
    record Row(
            int threads, int sentences, int passes, double fmplexPerSecond, double ortPerSecond) {

        double ratio() {
            return fmplexPerSecond / ortPerSecond;
        }
    }

    private static final EmbeddingTask MEAN_NORMALIZED = new EmbeddingTask(null, null);

    private BackboneThroughput() {}

    /**
     * @param model the ONNX file's bytes ({@link Langchain4jMiniLm#onnxModel()})
     */
    static List<Row> measure(
            BertServedBackbone runtime,
            byte[] model,
            List<EncodedText> texts,
            List<Integer> threadCounts,
            int rounds,
            ExecutionPath execution)
            throws Exception {
        List<List<EncodedText>> passes = new ArrayList<>();
        for (List<Integer> pass : MicroBatches.plan(texts, 2048)) {
            passes.add(pass.stream().map(texts::get).toList());
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        List<Row> rows = new ArrayList<>();
        int defaultThreads = Runtime.getRuntime().availableProcessors();
        for (int threads : threadCounts) {
            OrtSession.SessionOptions options = Langchain4jMiniLm.withoutSpinning();
            options.setIntraOpNumThreads(threads);
            // An ONNX Runtime backbone's threads are fixed when it is built: one of its own per
            // thread count (the eager one is re-threaded on this thread instead).
            BertServedBackbone own =
                    execution == ExecutionPath.ONNX_RUNTIME
                            ? BundledMiniLm.load(
                                    new BackboneLoadOptions(Device.cpu(), 256, execution, threads))
                            : null;
            BertServedBackbone fmplexSide = own != null ? own : runtime;
            try (OrtSession session = environment.createSession(model, options)) {
                IntraOpThreads.setForThisThread(threads);
                checkSameOutputs(fmplexSide, environment, session, passes.get(passes.size() - 1));
                runFmplex(fmplexSide, passes);
                runOrt(environment, session, passes);
                double[] fmplex = new double[rounds];
                double[] ort = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    fmplex[round] = texts.size() / runFmplex(fmplexSide, passes);
                    ort[round] = texts.size() / runOrt(environment, session, passes);
                }
                rows.add(
                        new Row(threads, texts.size(), passes.size(), median(fmplex), median(ort)));
            } finally {
                IntraOpThreads.setForThisThread(defaultThreads);
                if (own != null) {
                    own.close();
                }
            }
        }
        return rows;
    }

    /** Seconds for every pass through FMplex's encoder, pooled and normalized. */
    private static double runFmplex(BertServedBackbone runtime, List<List<EncodedText>> passes) {
        long start = System.nanoTime();
        for (List<EncodedText> pass : passes) {
            runtime.embed(pass, MEAN_NORMALIZED);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds for every pass through ONNX Runtime, mean-pooled and normalized in Java. */
    private static double runOrt(
            OrtEnvironment environment, OrtSession session, List<List<EncodedText>> passes)
            throws OrtException {
        long start = System.nanoTime();
        for (List<EncodedText> pass : passes) {
            ortEmbed(environment, session, pass);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static float[][] ortEmbed(
            OrtEnvironment environment, OrtSession session, List<EncodedText> pass)
            throws OrtException {
        TokenBatch batch = TokenBatch.pad(pass);
        long[] shape = {batch.rows(), batch.length()};
        try (OnnxTensor ids = tensor(environment, batch.ids(), shape);
                OnnxTensor types = tensor(environment, batch.typeIds(), shape);
                OnnxTensor mask = tensor(environment, batch.attentionMask(), shape);
                OrtSession.Result result =
                        session.run(
                                Map.of(
                                        "input_ids",
                                        ids,
                                        "token_type_ids",
                                        types,
                                        "attention_mask",
                                        mask))) {
            float[][][] hidden = (float[][][]) result.get(0).getValue();
            return meanPoolNormalized(hidden, batch);
        }
    }

    /**
     * Both sides must compute the same embeddings, or the comparison means nothing: fails unless
     * every vector of the pass agrees within 1e-4.
     */
    private static void checkSameOutputs(
            BertServedBackbone runtime,
            OrtEnvironment environment,
            OrtSession session,
            List<EncodedText> pass)
            throws OrtException {
        List<float[]> ours = runtime.embed(pass, MEAN_NORMALIZED);
        float[][] theirs = ortEmbed(environment, session, pass);
        for (int row = 0; row < theirs.length; row++) {
            for (int i = 0; i < theirs[row].length; i++) {
                if (Math.abs(ours.get(row)[i] - theirs[row][i]) > 1e-4) {
                    throw new IllegalStateException(
                            "FMplex and ONNX Runtime disagree at row "
                                    + row
                                    + ", dimension "
                                    + i
                                    + ": "
                                    + ours.get(row)[i]
                                    + " vs "
                                    + theirs[row][i]);
                }
            }
        }
    }

    private static OnnxTensor tensor(OrtEnvironment environment, long[] values, long[] shape)
            throws OrtException {
        return OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape);
    }

    static float[][] meanPoolNormalized(float[][][] hidden, TokenBatch batch) {
        float[][] pooled = new float[batch.rows()][];
        for (int row = 0; row < batch.rows(); row++) {
            float[] sum = new float[hidden[row][0].length];
            int count = 0;
            for (int position = 0; position < batch.length(); position++) {
                if (batch.attentionMask()[row * batch.length() + position] != 0) {
                    count++;
                    float[] token = hidden[row][position];
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += token[i];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < sum.length; i++) {
                sum[i] /= count;
                norm += sum[i] * sum[i];
            }
            float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int i = 0; i < sum.length; i++) {
                sum[i] *= scale;
            }
            pooled[row] = sum;
        }
        return pooled;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
