package dev.fmplex.standalone;

import dev.fmplex.control.routing.BackboneSource;
import dev.fmplex.control.routing.WorkerGateway;
import dev.fmplex.model.api.FanOutResponse;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.api.TrainingReport;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.training.LoraJob;
import dev.fmplex.model.training.LoraOutcome;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.worker.inference.BackboneHost;
import dev.fmplex.worker.inference.VfmDeployments;
import dev.fmplex.worker.inference.VfmInferenceService;
import dev.fmplex.worker.training.LoraTrainingService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The control plane's view of the worker that lives in this same process: a direct call. */
@Component
class InProcessWorkerGateway implements WorkerGateway, BackboneSource {

    private final VfmInferenceService inference;
    private final VfmDeployments deployments;
    private final BackboneHost host;
    private final LoraTrainingService training;

    InProcessWorkerGateway(
            VfmInferenceService inference,
            VfmDeployments deployments,
            BackboneHost host,
            LoraTrainingService training) {
        this.inference = inference;
        this.deployments = deployments;
        this.host = host;
        this.training = training;
    }

    @Override
    public LoraOutcome trainLora(
            LoraJob job, Consumer<TrainingReport.Epoch> progress, BooleanSupplier cancelled) {
        return training.train(job, progress, cancelled);
    }

    @Override
    public Mono<InferResponse> infer(VfmDeployment deployment, InferRequest request) {
        return inference.infer(deployment, request);
    }

    @Override
    public Mono<FanOutResponse> inferMany(List<VfmDeployment> deployments, InferRequest request) {
        return inference.inferMany(deployments, request);
    }

    @Override
    public long deploy(VfmDeployment deployment, Map<String, byte[]> files) {
        return deployments.deploy(deployment, files);
    }

    @Override
    public void undeploy(String vfmId) {
        deployments.undeploy(vfmId);
    }

    @Override
    public Optional<Long> residentBytes(String vfmId) {
        return Optional.ofNullable(deployments.residentBytes(vfmId));
    }

    @Override
    public void pause(String vfmId) {
        deployments.pause(vfmId);
    }

    @Override
    public void resume(String vfmId) {
        deployments.resume(vfmId);
    }

    @Override
    public Optional<SchedulerView> schedulerView(String vfmId) {
        return deployments
                .queueStats(vfmId)
                .map(
                        q ->
                                new SchedulerView(
                                        q.paused(),
                                        q.queuedRequests(),
                                        q.completedRequests(),
                                        q.completedCostMs(),
                                        q.rejected(),
                                        q.expired(),
                                        q.achievedShare(),
                                        q.weightShare(),
                                        1));
    }

    @Override
    public List<BackboneDescriptor> loadedBackbones() {
        return host.descriptors();
    }
}
