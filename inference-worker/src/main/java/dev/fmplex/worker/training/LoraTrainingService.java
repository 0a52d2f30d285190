package dev.fmplex.worker.training;

import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.execution.ServedBackbone;
import dev.fmplex.engine.scheduler.Completed;
import dev.fmplex.engine.training.LoraTraining;
import dev.fmplex.engine.training.StepGate;
import dev.fmplex.engine.training.TrainingMemory;
import dev.fmplex.model.api.TrainingReport;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.training.LoraJob;
import dev.fmplex.model.training.LoraOutcome;
import dev.fmplex.worker.inference.BackboneHost;
import dev.fmplex.worker.inference.BackboneHost.HostedBackbone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code lora} jobs on this worker's backbones whose family trains them ({@link
 * ServedBackbone#loraTraining()}). Training needs DJL's autograd, so a backbone that serves on ONNX
 * Runtime (which released its DJL weights) is trained on an eager copy loaded for the job and freed
 * after it; every forward-backward pass takes its turn on the serving backbone's scheduler, under
 * the job's own flow, so serving and training share the machine by weight. A job estimated over the
 * worker's memory budget is refused before it loads anything.
 */
public final class LoraTrainingService {

    private static final Logger log = LoggerFactory.getLogger(LoraTrainingService.class);

    private final BackboneHost host;
    private final int passRows;
    private final long budgetBytes;

    /**
     * @param passRows most examples in one forward-backward pass: how long one pass holds the
     *     backbone, and so how long a serving request may wait behind it
     * @param budgetBytes the most one job may hold ({@link TrainingMemory}); a job estimated over
     *     it is refused before it loads anything
     */
    public LoraTrainingService(BackboneHost host, int passRows, long budgetBytes) {
        if (passRows < 1) {
            throw new IllegalArgumentException("passRows must be >= 1, is " + passRows);
        }
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("budgetBytes must be >= 1, is " + budgetBytes);
        }
        this.host = host;
        this.passRows = passRows;
        this.budgetBytes = budgetBytes;
    }

    /**
     * Trains the job's adapter and head; blocking, for as long as the epochs take.
     *
     * @param progress told after each epoch
     * @throws dev.fmplex.engine.training.TrainingCancelledException when {@code cancelled} turned
     *     true
     * @throws FmplexException when the backbone is not loaded here or is not of the BERT family
     */
    public LoraOutcome train(
            LoraJob job, Consumer<TrainingReport.Epoch> progress, BooleanSupplier cancelled) {
        HostedBackbone hosted =
                host.find(job.backbone())
                        .orElseThrow(
                                () ->
                                        new FmplexException(
                                                ProblemType.BACKBONE_UNAVAILABLE,
                                                "backbone",
                                                "backbone "
                                                        + job.backbone()
                                                        + " is not loaded on this worker"));
        LoraTraining training =
                hosted.served()
                        .loraTraining()
                        .orElseThrow(
                                () ->
                                        new FmplexException(
                                                ProblemType.INVALID_TASK,
                                                "recipe",
                                                "the lora recipe trains BERT-family text backbones; "
                                                        + job.backbone()
                                                        + " is "
                                                        + hosted.served().descriptor().family()));
        requireWithinBudget(job, training.estimate(job, passRows));
        String flow = "training-" + job.jobId();
        PassTimes times = new PassTimes();
        StepGate gate =
                (rows, length, pass) -> {
                    try {
                        times.add(
                                hosted.scheduler()
                                        .submitBackground(
                                                flow, job.flowWeight(), rows, length, pass)
                                        .join());
                    } catch (CompletionException e) {
                        if (e.getCause() instanceof RuntimeException cause) {
                            throw cause;
                        }
                        throw e;
                    }
                };
        try {
            return training.train(
                    job, passRows, () -> eagerCopy(job.backbone()), gate, progress, cancelled);
        } finally {
            log.info("Training job {} on backbone {}: {}", job.jobId(), job.backbone(), times);
            hosted.scheduler().forget(flow);
        }
    }

    private void requireWithinBudget(LoraJob job, TrainingMemory memory) {
        if (memory.totalBytes() > budgetBytes) {
            throw new FmplexException(
                    ProblemType.TRAINING_OVER_BUDGET,
                    "lora",
                    "the job would hold an estimated "
                            + memory
                            + ", over this worker's training budget of "
                            + budgetBytes / (1024 * 1024)
                            + " MB (fmplex.worker.training-memory-mb); lower lora.rank, lora.targets,"
                            + " the longest example or fmplex.worker.training-pass-rows");
        }
        log.info("Training job {} will hold an estimated {}", job.jobId(), memory);
    }

    /**
     * How long the job's passes held the backbone and waited for it: what serving vFMs beside it
     * may wait behind one pass is its longest run.
     */
    private static final class PassTimes {
        private int passes;
        private double runMs;
        private double maxRunMs;
        private double waitMs;

        synchronized void add(Completed<?> pass) {
            passes++;
            runMs += pass.computeMs();
            maxRunMs = Math.max(maxRunMs, pass.computeMs());
            waitMs += pass.queueMs();
        }

        @Override
        public synchronized String toString() {
            return String.format(
                    Locale.ROOT,
                    "%d passes ran %.0f ms on the backbone (mean %.1f ms, longest %.1f ms) and"
                            + " waited %.0f ms for their turns",
                    passes,
                    runMs,
                    passes == 0 ? 0 : runMs / passes,
                    maxRunMs,
                    waitMs);
        }
    }

    private ServedBackbone eagerCopy(String name) {
        long started = System.nanoTime();
        try {
            ServedBackbone copy = host.loadEagerCopy(name);
            log.info(
                    "Loaded an eager copy of backbone {} to train on in {} ms",
                    name,
                    (System.nanoTime() - started) / 1_000_000);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (WeightLoadException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
