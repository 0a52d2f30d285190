package dev.fmplex.control.training;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.lifecycle.DeploymentService;
import dev.fmplex.control.routing.WorkerGateway;
import dev.fmplex.model.api.TrainingJobRequest;
import dev.fmplex.model.api.TrainingJobView;
import dev.fmplex.model.api.TrainingReport;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.training.LoraJob;
import dev.fmplex.model.training.LoraOutcome;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

/**
 * Training jobs: checked when submitted (nothing is stored for a refused one), run on a small pool
 * of their own ({@code fmplex.control.training.max-concurrent-jobs}, default 1, with up to {@value
 * #WAITING} waiting), each reading features through the backbone's scheduler at {@code
 * fmplex.control.training.weight} (default 0.1), fitting the head, and storing it as a normal
 * version through the same upload path a client uses. A job that was queued or running when the
 * control plane stopped is marked failed at the next start (the dataset is not kept).
 */
@Service
public class TrainingJobs {

    static final int WAITING = 8;

    /** The backbone family the lora recipe trains. */
    static final String LORA_FAMILY = "bert";

    private static final Logger log = LoggerFactory.getLogger(TrainingJobs.class);

    private final TrainingJobRepository jobs;
    private final CatalogService catalog;
    private final DeploymentService deployments;
    private final WorkerGateway gateway;
    private final JsonMapper json;
    private final FeatureReader features;
    private final double weight;
    private final ThreadPoolExecutor pool;
    private final Map<UUID, Progress> running = new ConcurrentHashMap<>();

    /** What a job in this process is doing now; watchers are told of every change. */
    private static final class Progress {
        volatile String phase = "queued";
        volatile int featuresDone;
        volatile TrainingReport.Epoch lastEpoch;
        volatile boolean cancelled;
        final Sinks.Many<Boolean> changes = Sinks.many().multicast().directBestEffort();

        void phase(String now) {
            phase = now;
            changed();
        }

        /** Best effort: a watcher that misses one still reads the job on its next change. */
        void changed() {
            changes.tryEmitNext(Boolean.TRUE);
        }
    }

    TrainingJobs(
            TrainingJobRepository jobs,
            CatalogService catalog,
            DeploymentService deployments,
            WorkerGateway gateway,
            JsonMapper json,
            @Value("${fmplex.control.training.weight:0.1}") double weight,
            @Value("${fmplex.control.training.max-concurrent-jobs:1}") int maxConcurrent) {
        if (!(weight > 0) || weight > 1000) {
            throw new IllegalArgumentException(
                    "fmplex.control.training.weight must be in (0, 1000], is " + weight);
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException(
                    "fmplex.control.training.max-concurrent-jobs must be >= 1, is "
                            + maxConcurrent);
        }
        this.jobs = jobs;
        this.catalog = catalog;
        this.deployments = deployments;
        this.gateway = gateway;
        this.json = json;
        this.features = new FeatureReader(gateway, weight);
        this.weight = weight;
        this.pool =
                new ThreadPoolExecutor(
                        maxConcurrent,
                        maxConcurrent,
                        0,
                        TimeUnit.SECONDS,
                        new ArrayBlockingQueue<>(WAITING),
                        r -> {
                            Thread t = new Thread(r, "training-job");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** Jobs the last process left queued or running cannot go on: their dataset is gone. */
    @EventListener(ApplicationReadyEvent.class)
    void failInterrupted() {
        for (TrainingJobEntity job :
                jobs.findByStateIn(List.of(TrainingJobEntity.QUEUED, TrainingJobEntity.RUNNING))) {
            job.ended(
                    TrainingJobEntity.FAILED,
                    "the control plane stopped while the job was "
                            + job.state().toLowerCase()
                            + "; its dataset is not kept, submit it again",
                    Instant.now());
            jobs.save(job);
            log.warn(
                    "Training job {} of vFM {} failed: interrupted by a restart",
                    job.id(),
                    job.vfmId());
        }
    }

    public TrainingJobView submit(String vfmId, TrainingJobRequest request) {
        if (gateway.placesItself()) {
            throw new FmplexException(
                    ProblemType.TRAINING_UNAVAILABLE,
                    null,
                    "training jobs run on the standalone server in this version; train there and"
                            + " upload the files it makes (GET /vfms/{id}/versions lists them)");
        }
        VfmView vfm = catalog.get(vfmId);
        TrainingDataset dataset = TrainingDataset.of(vfm, request);
        if (dataset.lora() != null) {
            requireLoraBackbone(vfm);
        }
        TrainingJobEntity job =
                new TrainingJobEntity(
                        UUID.randomUUID(),
                        UUID.fromString(vfm.id()),
                        dataset.recipe(),
                        dataset.inputs().size(),
                        Instant.now());
        Progress progress = new Progress();
        running.put(job.id(), progress);
        jobs.save(job);
        try {
            pool.execute(() -> run(job.id(), vfm, dataset, progress));
        } catch (RejectedExecutionException full) {
            running.remove(job.id());
            jobs.deleteById(job.id());
            throw new FmplexException(
                    ProblemType.QUEUE_FULL,
                    null,
                    "training jobs are at their limit ("
                            + pool.getMaximumPoolSize()
                            + " running, "
                            + WAITING
                            + " waiting); try again when one has finished");
        }
        log.info(
                "Training job {} queued for vFM {} ({} examples, {} recipe)",
                job.id(),
                vfm.id(),
                dataset.inputs().size(),
                dataset.recipe());
        return view(job);
    }

    /** LoRA trains a BERT-family text backbone, with the head on one of its layers' outputs. */
    private void requireLoraBackbone(VfmView vfm) {
        BackboneDescriptor backbone = backbone(vfm);
        if (!LORA_FAMILY.equals(backbone.family())) {
            throw new FmplexException(
                    ProblemType.INVALID_TASK,
                    "recipe",
                    "the lora recipe trains BERT-family text backbones; "
                            + backbone.name()
                            + " is "
                            + backbone.family()
                            + " (the head recipe trains any backbone)");
        }
        Integer layer = ((ClassificationTask) vfm.task()).layer();
        if (layer != null && layer < 1) {
            throw new FmplexException(
                    ProblemType.INVALID_TASK,
                    "task.layer",
                    "the lora recipe adapts the layers below the head; a head on layer "
                            + layer
                            + " (the embeddings) has none");
        }
    }

    /**
     * Ticks whenever the job's state, phase, features read or epoch change, until it has finished;
     * empty for a job not running in this process.
     */
    public Flux<Boolean> changes(UUID id) {
        Progress progress = running.get(id);
        return progress == null ? Flux.empty() : progress.changes.asFlux();
    }

    public TrainingJobView get(UUID id) {
        return view(find(id));
    }

    /** The vFM the job trains, for the caller's visibility check. */
    public String vfmOf(UUID id) {
        return find(id).vfmId().toString();
    }

    public List<TrainingJobView> of(String vfmId) {
        return jobs
                .findByVfmIdOrderByCreatedAtAsc(UUID.fromString(catalog.get(vfmId).id()))
                .stream()
                .map(this::view)
                .toList();
    }

    /** Stops a queued or running job before it stores anything; a finished one stays as it is. */
    public TrainingJobView cancel(UUID id) {
        TrainingJobEntity job = find(id);
        Progress progress = running.get(id);
        if (progress != null) {
            progress.cancelled = true;
        }
        return view(job);
    }

    private void run(UUID id, VfmView vfm, TrainingDataset dataset, Progress progress) {
        TrainingJobEntity job = jobs.findById(id).orElseThrow();
        try {
            if (progress.cancelled) {
                finish(job, TrainingJobEntity.CANCELLED, "cancelled before it started");
                return;
            }
            job.started(Instant.now());
            jobs.save(job);
            progress.phase("features");
            double[][] x =
                    features.read(
                            id.toString(),
                            vfm,
                            dataset.inputs(),
                            done -> {
                                progress.featuresDone = done;
                                progress.changed();
                            },
                            () -> progress.cancelled);
            if (x == null || progress.cancelled) {
                finish(job, TrainingJobEntity.CANCELLED, "cancelled while reading features");
                return;
            }
            progress.phase("fitting");
            Trained trained =
                    dataset.lora() != null
                            ? loraRecipe(id, vfm, dataset, x, progress)
                            : headRecipe(dataset, x);
            if (progress.cancelled) {
                finish(job, TrainingJobEntity.CANCELLED, "cancelled before its version was stored");
                return;
            }
            progress.phase("uploading");
            VfmView stored = deployments.uploadVersion(vfm.id(), trained.files());
            job.succeeded(
                    stored.version(), json.writeValueAsString(trained.report()), Instant.now());
            jobs.save(job);
            log.info(
                    "Training job {} ({} recipe) made version {} of vFM {}",
                    id,
                    dataset.recipe(),
                    stored.version(),
                    vfm.id());
        } catch (RuntimeException e) {
            if (progress.cancelled) {
                log.info("Training job {} of vFM {} cancelled", id, vfm.id());
                finish(job, TrainingJobEntity.CANCELLED, "cancelled while " + progress.phase);
                return;
            }
            String why =
                    e instanceof FmplexException problem
                            ? problem.type().slug()
                                    + (problem.field() == null ? "" : " at " + problem.field())
                                    + ": "
                                    + problem.getMessage()
                            : e.toString();
            log.warn("Training job {} of vFM {} failed: {}", id, vfm.id(), why);
            finish(job, TrainingJobEntity.FAILED, why);
        } finally {
            running.remove(id);
            progress.changed();
            progress.changes.tryEmitComplete();
        }
    }

    /** A job's version files and the report kept with them. */
    private record Trained(Map<String, byte[]> files, TrainingReport report) {}

    private static Trained headRecipe(TrainingDataset dataset, double[][] x) {
        if (dataset.classification()) {
            HeadFitter.ClassifierFit fit =
                    HeadFitter.classifier(
                            x, dataset.classes(), dataset.labels().size(), dataset.options());
            return new Trained(
                    HeadArtifacts.files(fit.head()),
                    classifierReport(TrainingDataset.HEAD, dataset, fit, null));
        }
        HeadFitter.RegressorFit fit = HeadFitter.regressor(x, dataset.values(), dataset.options());
        return new Trained(
                HeadArtifacts.files(fit.head()),
                new TrainingReport(
                        TrainingDataset.HEAD,
                        dataset.options().folds(),
                        dataset.options().seed(),
                        fit.l2(),
                        candidates(fit.candidates()),
                        List.of(),
                        null,
                        null,
                        null,
                        fit.rmse(),
                        null));
    }

    /**
     * The {@code lora} recipe: the head fitted on the training split's frozen features is the warm
     * start (and, measured on the validation split, the baseline the report compares with), then a
     * worker trains the adapters and the head together on the backbone.
     */
    private Trained loraRecipe(
            UUID id, VfmView vfm, TrainingDataset dataset, double[][] x, Progress progress) {
        int[] train = dataset.trainingIndices();
        int[] held = dataset.validationIndices();
        int[] trainLabels = pick(dataset.classes(), train);
        int[] heldLabels = pick(dataset.classes(), held);
        HeadFitter.ClassifierFit fit =
                HeadFitter.classifier(
                        rows(x, train), trainLabels, dataset.labels().size(), dataset.options());
        double[] headOnHeld = HeadFitter.lossAndAccuracy(fit.head(), rows(x, held), heldLabels);
        ClassificationTask task = (ClassificationTask) vfm.task();
        int layer = task.layer() != null ? task.layer() : backbone(vfm).layers();
        LoraSettings s = dataset.lora();
        progress.phase("training");
        LoraOutcome outcome =
                gateway.trainLora(
                        new LoraJob(
                                id.toString(),
                                vfm.backbone(),
                                weight,
                                layer,
                                task.pooling(),
                                texts(dataset, train),
                                trainLabels,
                                texts(dataset, held),
                                heldLabels,
                                floats(fit.head().weight()),
                                floats(fit.head().bias()),
                                s.rank(),
                                s.alpha(),
                                s.targets(),
                                s.learningRate(),
                                s.weightDecay(),
                                s.epochs(),
                                s.batchRows(),
                                s.patience(),
                                dataset.options().seed()),
                        epoch -> {
                            progress.lastEpoch = epoch;
                            progress.changed();
                        },
                        () -> progress.cancelled);
        int best = outcome.bestEpoch();
        TrainingReport.LoraReport lora =
                new TrainingReport.LoraReport(
                        s.rank(),
                        s.alpha(),
                        s.targetNames(),
                        s.learningRate(),
                        s.weightDecay(),
                        s.batchRows(),
                        train.length,
                        held.length,
                        outcome.startValidationLoss(),
                        headOnHeld[1],
                        best == 0
                                ? outcome.startValidationLoss()
                                : outcome.epochs().get(best - 1).validationLoss(),
                        best == 0
                                ? headOnHeld[1]
                                : outcome.epochs().get(best - 1).validationAccuracy(),
                        best,
                        outcome.stoppedEarly(),
                        outcome.epochs());
        return new Trained(
                outcome.files(), classifierReport(TrainingDataset.LORA, dataset, fit, lora));
    }

    private static TrainingReport classifierReport(
            String recipe,
            TrainingDataset dataset,
            HeadFitter.ClassifierFit fit,
            TrainingReport.LoraReport lora) {
        return new TrainingReport(
                recipe,
                dataset.options().folds(),
                dataset.options().seed(),
                fit.l2(),
                candidates(fit.candidates()),
                dataset.labels(),
                fit.accuracy(),
                fit.macroF1(),
                fit.confusion(),
                null,
                lora);
    }

    private BackboneDescriptor backbone(VfmView vfm) {
        return catalog.backbones().stream()
                .filter(b -> b.name().equals(vfm.backbone()))
                .findFirst()
                .orElseThrow(
                        () ->
                                new FmplexException(
                                        ProblemType.BACKBONE_UNAVAILABLE,
                                        "backbone",
                                        "backbone " + vfm.backbone() + " is not loaded"));
    }

    private static double[][] rows(double[][] x, int[] indices) {
        double[][] picked = new double[indices.length][];
        for (int k = 0; k < indices.length; k++) {
            picked[k] = x[indices[k]];
        }
        return picked;
    }

    private static int[] pick(int[] values, int[] indices) {
        int[] picked = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            picked[k] = values[indices[k]];
        }
        return picked;
    }

    private static List<String> texts(TrainingDataset dataset, int[] indices) {
        List<String> texts = new ArrayList<>(indices.length);
        for (int i : indices) {
            texts.add((String) dataset.inputs().get(i));
        }
        return texts;
    }

    private static float[][] floats(double[][] values) {
        float[][] result = new float[values.length][];
        for (int r = 0; r < values.length; r++) {
            result[r] = floats(values[r]);
        }
        return result;
    }

    private static float[] floats(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }

    private void finish(TrainingJobEntity job, String state, String why) {
        job.ended(state, why, Instant.now());
        jobs.save(job);
    }

    private static List<TrainingReport.Candidate> candidates(List<HeadFitter.Candidate> tried) {
        return tried.stream()
                .map(c -> new TrainingReport.Candidate(c.l2(), c.heldOutLoss()))
                .toList();
    }

    private TrainingJobEntity find(UUID id) {
        return jobs.findById(id).orElseThrow(() -> unknown(id.toString()));
    }

    static FmplexException unknown(String id) {
        return new FmplexException(
                ProblemType.UNKNOWN_TRAINING_JOB, "id", "no training job with id " + id);
    }

    private TrainingJobView view(TrainingJobEntity job) {
        Progress progress = running.get(job.id());
        return new TrainingJobView(
                job.id().toString(),
                job.vfmId().toString(),
                job.recipe(),
                job.state(),
                progress == null || job.finished() ? null : progress.phase,
                job.examples(),
                progress != null
                        ? progress.featuresDone
                        : job.finished() && job.version() != null ? job.examples() : 0,
                lastEpoch(job, progress),
                job.createdAt(),
                job.startedAt(),
                job.finishedAt(),
                job.version(),
                job.report() == null ? null : json.readValue(job.report(), TrainingReport.class),
                job.error());
    }

    private TrainingReport.Epoch lastEpoch(TrainingJobEntity job, Progress progress) {
        if (progress != null && !job.finished()) {
            return progress.lastEpoch;
        }
        if (job.report() == null) {
            return null;
        }
        TrainingReport.LoraReport lora = json.readValue(job.report(), TrainingReport.class).lora();
        return lora == null || lora.epochs().isEmpty()
                ? null
                : lora.epochs().get(lora.epochs().size() - 1);
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
