package dev.fmplex.worker.inference;

import ai.djl.Device;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.execution.InferencePayload;
import dev.fmplex.engine.execution.ScheduledRunner;
import dev.fmplex.engine.execution.ServedBackbone;
import dev.fmplex.engine.family.BackboneFamilies;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.family.ExecutionPath;
import dev.fmplex.engine.nn.IntraOpThreads;
import dev.fmplex.engine.nn.TorchDevices;
import dev.fmplex.engine.registry.VfmRegistry;
import dev.fmplex.engine.scheduler.FairScheduler;
import dev.fmplex.engine.scheduler.QueuePolicy;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.backbone.BackboneDescriptor;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The backbones this worker has loaded, of any family, each with its scheduler (and the threads
 * that run its batches) and the vFM versions it serves.
 */
public final class BackboneHost implements AutoCloseable {

    /**
     * A {@link ServedBackbone} as this worker hosts it: with its scheduler, the registry of the vFM
     * versions it serves, and its metrics.
     */
    public record HostedBackbone(
            ServedBackbone served,
            FairScheduler<InferencePayload, List<TaskOutput>> scheduler,
            VfmRegistry registry,
            SchedulerMetrics metrics) {}

    /** The backbone {@code fmplex.worker.bundled-backbone} turns on, shipped in FMplex's jars. */
    private static final String BUNDLED_BACKBONE = "all-minilm-l6-v2";

    private final Map<String, HostedBackbone> backbones = new ConcurrentHashMap<>();
    private final WorkerProperties properties;
    private final MeterRegistry meters;

    private BackboneHost(WorkerProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
    }

    /**
     * Loads the backbones {@code properties} name: the bundled MiniLM unless turned off, then each
     * configured checkpoint directory. A checkpoint that fails to load stops the worker with its
     * reason: a worker silently missing a backbone would only fail later, at placement.
     */
    public static BackboneHost withConfiguredBackbones(
            WorkerProperties properties, MeterRegistry meters)
            throws IOException, WeightLoadException {
        Device device = TorchDevices.select(properties.device());
        BackboneLoadOptions options =
                new BackboneLoadOptions(
                        device,
                        properties.maxTokens(),
                        ExecutionPath.forSetting(properties.execution(), device),
                        IntraOpThreads.perLane(properties.executorLanes()));
        BackboneFamilies families = BackboneFamilies.installed();
        BackboneHost host = new BackboneHost(properties, meters);
        try {
            if (properties.bundledBackbone()) {
                host.add(families.loadBundled(BUNDLED_BACKBONE, options));
            }
            for (Map.Entry<String, Path> checkpoint :
                    new TreeMap<>(properties.checkpoints()).entrySet()) {
                host.add(families.load(checkpoint.getKey(), checkpoint.getValue(), options));
            }
        } catch (IOException | WeightLoadException | RuntimeException e) {
            host.close();
            throw e;
        }
        return host;
    }

    /** One lane keeps PyTorch's default threads; several split the cores evenly. */
    private static Runnable laneSetup(int lanes) {
        if (lanes == 1) {
            return () -> {};
        }
        int threads = IntraOpThreads.perLane(lanes);
        return () -> IntraOpThreads.setForThisThread(threads);
    }

    public void add(ServedBackbone served) {
        String name = served.descriptor().name();
        SchedulerMetrics metrics = new SchedulerMetrics(meters, name);
        FairScheduler<InferencePayload, List<TaskOutput>> scheduler =
                FairScheduler.<InferencePayload, List<TaskOutput>>builder()
                        .setRunner(new ScheduledRunner(served, properties.maxBatchTokens()))
                        .optPolicy(QueuePolicy.named(properties.policy()))
                        .optMaxBatchRows(properties.maxBatchRows())
                        .optMaxBatchTokens(properties.maxBatchTokens())
                        .optMaxWait(properties.maxWaitMs(), TimeUnit.MILLISECONDS)
                        .optMaxBatchTime(properties.maxBatchMs(), TimeUnit.MILLISECONDS)
                        .optQueueCapacity(properties.queueCapacity())
                        .optListener(metrics)
                        .optExecutorLanes(
                                properties.executorLanes(), laneSetup(properties.executorLanes()))
                        .build();
        metrics.observe(scheduler::stats, scheduler::queuedRequests);
        HostedBackbone hosted = new HostedBackbone(served, scheduler, new VfmRegistry(), metrics);
        if (backbones.putIfAbsent(name, hosted) != null) {
            throw new IllegalStateException("backbone " + name + " is already loaded");
        }
        scheduler.start("fmplex-sched-" + name);
    }

    /**
     * A second, eager copy of a loaded backbone, for work the serving path cannot do (training
     * needs DJL's autograd, which ONNX Runtime has not): loaded again from where the first copy
     * came from, on the same device. The caller closes it.
     *
     * @throws IllegalArgumentException when no backbone of that name is loaded
     */
    public ServedBackbone loadEagerCopy(String name) throws IOException, WeightLoadException {
        if (!backbones.containsKey(name)) {
            throw new IllegalArgumentException("backbone " + name + " is not loaded here");
        }
        BackboneLoadOptions options =
                new BackboneLoadOptions(
                        TorchDevices.select(properties.device()),
                        properties.maxTokens(),
                        ExecutionPath.EAGER,
                        IntraOpThreads.perLane(properties.executorLanes()));
        Path checkpoint = properties.checkpoints().get(name);
        BackboneFamilies families = BackboneFamilies.installed();
        return checkpoint == null
                ? families.loadBundled(name, options)
                : families.load(name, checkpoint, options);
    }

    public Optional<HostedBackbone> find(String name) {
        return Optional.ofNullable(backbones.get(name));
    }

    public Collection<HostedBackbone> all() {
        return backbones.values();
    }

    public List<BackboneDescriptor> descriptors() {
        return backbones.values().stream().map(b -> b.served().descriptor()).toList();
    }

    @Override
    public void close() {
        for (HostedBackbone backbone : backbones.values()) {
            backbone.scheduler().close();
            backbone.registry().clear();
            backbone.served().close();
        }
        backbones.clear();
    }
}
