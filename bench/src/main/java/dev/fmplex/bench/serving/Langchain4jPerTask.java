package dev.fmplex.bench.serving;

import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The peer a Java user reaches for: langchain4j's all-MiniLM-L6-v2 embedding model (ONNX Runtime),
 * one instance per task, each called from the task's own request thread, with the task's classifier
 * applied to the embedding in Java.
 *
 * <p>langchain4j cannot apply a LoRA adapter: a user would export each fine-tune merged into its
 * own ONNX file, whose forward costs exactly what the base model's does. So every task runs the
 * base model here, which is that cost; the outputs of LoRA tasks differ from FMplex's, their
 * compute does not. Instances come from a pool built once for the largest task count (building an
 * ONNX Runtime session takes about a second); {@code embed} batches nothing, so each request is one
 * ONNX Runtime call with its default intra-op threads (spinning off, see {@code
 * Langchain4jMiniLm}).
 */
final class Langchain4jPerTask implements Deployment {

    private static final int LABELS = 3;

    private final List<EmbeddingModel> models;
    private final List<float[][]> heads = new ArrayList<>();
    private final List<ExecutorService> requestThreads = new ArrayList<>();
    private final long bytesPerInstance;

    /** Where the heads' answers go, so that the JIT cannot drop their work. */
    private volatile int lastLabel;

    /**
     * @param pool one model per task at least; the first {@code tasks} serve tasks 0..tasks-1
     * @param bytesPerInstance the ONNX weights each instance holds
     */
    Langchain4jPerTask(List<EmbeddingModel> pool, int tasks, long bytesPerInstance) {
        this.models = pool.subList(0, tasks);
        this.bytesPerInstance = bytesPerInstance;
        for (int k = 0; k < tasks; k++) {
            heads.add(randomHead(1000 + k));
            int task = k;
            requestThreads.add(
                    Executors.newSingleThreadExecutor(
                            r -> {
                                Thread thread = new Thread(r, "langchain4j-task-" + task);
                                thread.setDaemon(true);
                                return thread;
                            }));
        }
    }

    @Override
    public String name() {
        return "langchain4j, one per task";
    }

    @Override
    public CompletableFuture<Void> submit(int task, Request request) {
        return CompletableFuture.runAsync(
                () -> {
                    float[] embedding = models.get(task).embed(request.text()).content().vector();
                    lastLabel = classify(heads.get(task), embedding);
                },
                requestThreads.get(task));
    }

    @Override
    public long modelBytes() {
        return bytesPerInstance * models.size();
    }

    @Override
    public void close() {
        requestThreads.forEach(ExecutorService::shutdownNow);
    }

    private static float[][] randomHead(long seed) {
        Random random = new Random(seed);
        float[][] head = new float[LABELS][384];
        for (float[] row : head) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (random.nextGaussian() * 0.05);
            }
        }
        return head;
    }

    /** The label with the highest logit: what the task's head computes on the embedding. */
    private static int classify(float[][] head, float[] embedding) {
        int best = 0;
        double bestLogit = Double.NEGATIVE_INFINITY;
        for (int label = 0; label < head.length; label++) {
            double logit = 0;
            for (int i = 0; i < embedding.length; i++) {
                logit += head[label][i] * embedding[i];
            }
            if (logit > bestLogit) {
                bestLogit = logit;
                best = label;
            }
        }
        return best;
    }
}
