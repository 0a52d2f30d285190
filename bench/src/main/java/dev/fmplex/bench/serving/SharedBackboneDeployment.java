package dev.fmplex.bench.serving;

import ai.djl.pytorch.jni.JniUtils;
import dev.fmplex.engine.execution.BackboneRuntime;
import dev.fmplex.engine.execution.InferencePayload;
import dev.fmplex.engine.execution.ScheduledRunner;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.scheduler.FairScheduler;
import dev.fmplex.engine.scheduler.SchedulingPolicy;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.model.api.TaskOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * FMplex: every task is a vFM on ONE backbone; the worker's own fair scheduler forms batches across
 * vFMs and its executor runs them, on all cores, exactly as a worker does.
 */
final class SharedBackboneDeployment implements Deployment {

    private final BackboneRuntime runtime;
    private final List<VfmModel> vfms = new ArrayList<>();
    private final FairScheduler<InferencePayload, List<TaskOutput>> scheduler;

    SharedBackboneDeployment(BackboneRuntime runtime, int tasks, int cores) {
        this.runtime = runtime;
        for (int k = 0; k < tasks; k++) {
            vfms.add(TaskModels.build(runtime, k));
        }
        ScheduledRunner runner = new ScheduledRunner(runtime, 2048);
        ThreadLocal<Boolean> configured = ThreadLocal.withInitial(() -> false);
        this.scheduler =
                FairScheduler.<InferencePayload, List<TaskOutput>>builder()
                        .setRunner(
                                batch -> {
                                    if (!configured.get()) {
                                        JniUtils.setNumThreads(cores);
                                        configured.set(true);
                                    }
                                    return runner.run(batch);
                                })
                        .optPolicy(SchedulingPolicy.FAIR)
                        .optMaxBatchRows(32)
                        .optMaxBatchTokens(2048)
                        .optQueueCapacity(100_000)
                        .build();
        scheduler.start("fmplex-executor");
    }

    @Override
    public String name() {
        return "FMplex";
    }

    @Override
    public CompletableFuture<Void> submit(int task, EncodedText text) {
        return scheduler
                .submit(
                        new InferencePayload(vfms.get(task), List.of(text)).toWork(),
                        1.0,
                        System.nanoTime() + TimeUnit.HOURS.toNanos(1))
                .thenApply(done -> null);
    }

    @Override
    public long modelBytes() {
        return runtime.descriptor().parameterBytes()
                + vfms.stream().mapToLong(VfmModel::residentBytes).sum();
    }

    @Override
    public void close() {
        scheduler.close();
        vfms.forEach(VfmModel::release);
    }
}
