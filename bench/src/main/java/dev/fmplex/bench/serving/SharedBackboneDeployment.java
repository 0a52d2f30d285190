package dev.fmplex.bench.serving;

import dev.fmplex.engine.execution.InferencePayload;
import dev.fmplex.engine.execution.ScheduledRunner;
import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import dev.fmplex.engine.nn.IntraOpThreads;
import dev.fmplex.engine.scheduler.FairScheduler;
import dev.fmplex.engine.scheduler.QueuePolicy;
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

    private final BertServedBackbone runtime;
    private final List<VfmModel> vfms = new ArrayList<>();
    private final FairScheduler<InferencePayload, List<TaskOutput>> scheduler;

    private final String name;

    SharedBackboneDeployment(BertServedBackbone runtime, int tasks, int cores, int lanes) {
        this.runtime = runtime;
        this.name = lanes == 1 ? "FMplex" : "FMplex, " + lanes + " lanes";
        for (int k = 0; k < tasks; k++) {
            vfms.add(TaskModels.build(runtime, k));
        }
        ScheduledRunner runner = new ScheduledRunner(runtime, 2048);
        int threads = Math.max(1, cores / lanes);
        this.scheduler =
                FairScheduler.<InferencePayload, List<TaskOutput>>builder()
                        .setRunner(runner)
                        .optExecutorLanes(lanes, () -> IntraOpThreads.setForThisThread(threads))
                        .optPolicy(QueuePolicy.named("fair"))
                        .optMaxBatchRows(32)
                        .optMaxBatchTokens(2048)
                        .optQueueCapacity(100_000)
                        .build();
        scheduler.start("fmplex-executor");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<Void> submit(int task, Request request) {
        return scheduler
                .submit(
                        new InferencePayload(vfms.get(task), List.of(request.tokens())).toWork(),
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
