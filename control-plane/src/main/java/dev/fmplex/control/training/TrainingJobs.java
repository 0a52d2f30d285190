package dev.fmplex.control.training;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.lifecycle.DeploymentService;
import dev.fmplex.control.routing.WorkerGateway;
import dev.fmplex.model.api.TrainingJobRequest;
import dev.fmplex.model.api.TrainingJobView;
import dev.fmplex.model.api.TrainingReport;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
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
    private static final Logger log = LoggerFactory.getLogger(TrainingJobs.class);

    private final TrainingJobRepository jobs;
    private final CatalogService catalog;
    private final DeploymentService deployments;
    private final WorkerGateway gateway;
    private final JsonMapper json;
    private final FeatureReader features;
    private final ThreadPoolExecutor pool;
    private final Map<UUID, Progress> running = new ConcurrentHashMap<>();

    /** What a job in this process is doing now. */
    private static final class Progress {
        volatile String phase = "queued";
        volatile int featuresDone;
        volatile boolean cancelled;
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
        TrainingJobEntity job =
                new TrainingJobEntity(
                        UUID.randomUUID(),
                        UUID.fromString(vfm.id()),
                        TrainingDataset.HEAD,
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
                "Training job {} queued for vFM {} ({} examples, head recipe)",
                job.id(),
                vfm.id(),
                dataset.inputs().size());
        return view(job);
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
            progress.phase = "features";
            double[][] x =
                    features.read(
                            id.toString(),
                            vfm,
                            dataset.inputs(),
                            done -> progress.featuresDone = done,
                            () -> progress.cancelled);
            if (x == null || progress.cancelled) {
                finish(job, TrainingJobEntity.CANCELLED, "cancelled while reading features");
                return;
            }
            progress.phase = "fitting";
            TrainingReport report;
            LinearHead head;
            if (dataset.classification()) {
                HeadFitter.ClassifierFit fit =
                        HeadFitter.classifier(
                                x, dataset.classes(), dataset.labels().size(), dataset.options());
                head = fit.head();
                report =
                        new TrainingReport(
                                TrainingDataset.HEAD,
                                dataset.options().folds(),
                                dataset.options().seed(),
                                fit.l2(),
                                candidates(fit.candidates()),
                                dataset.labels(),
                                fit.accuracy(),
                                fit.macroF1(),
                                fit.confusion(),
                                null);
            } else {
                HeadFitter.RegressorFit fit =
                        HeadFitter.regressor(x, dataset.values(), dataset.options());
                head = fit.head();
                report =
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
                                fit.rmse());
            }
            if (progress.cancelled) {
                finish(job, TrainingJobEntity.CANCELLED, "cancelled before its version was stored");
                return;
            }
            progress.phase = "uploading";
            VfmView trained = deployments.uploadVersion(vfm.id(), HeadArtifacts.files(head));
            job.succeeded(trained.version(), json.writeValueAsString(report), Instant.now());
            jobs.save(job);
            log.info("Training job {} made version {} of vFM {}", id, trained.version(), vfm.id());
        } catch (RuntimeException e) {
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
        }
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
                job.createdAt(),
                job.startedAt(),
                job.finishedAt(),
                job.version(),
                job.report() == null ? null : json.readValue(job.report(), TrainingReport.class),
                job.error());
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
