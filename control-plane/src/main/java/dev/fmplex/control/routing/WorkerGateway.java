package dev.fmplex.control.routing;

import dev.fmplex.model.api.FanOutResponse;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.api.TrainingReport;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.training.LoraJob;
import dev.fmplex.model.training.LoraOutcome;
import dev.fmplex.model.vfm.VfmDeployment;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/** How the control plane reaches the worker(s) that serve vFMs. */
public interface WorkerGateway {

    /** Sends one infer request of a serving vFM to a worker that runs it. */
    Mono<InferResponse> infer(VfmDeployment deployment, InferRequest request);

    /** Runs the same inputs through several serving vFMs of one backbone on one worker. */
    Mono<FanOutResponse> inferMany(List<VfmDeployment> deployments, InferRequest request);

    /**
     * Validates {@code files} on a worker and makes them the serving version of the vFM there.
     * Blocking.
     *
     * @return resident bytes of the new version
     * @throws dev.fmplex.model.problem.FmplexException 422 when the artifacts do not fit the task
     *     or backbone; the serving version is then untouched
     */
    long deploy(VfmDeployment deployment, Map<String, byte[]> files);

    /** Stops serving a vFM everywhere. */
    void undeploy(String vfmId);

    /**
     * Whether the gateway places vFMs on workers itself as they join (distributed mode), so the
     * control plane must not try to deploy the whole catalog at start.
     */
    default boolean placesItself() {
        return false;
    }

    /**
     * Trains a {@code lora} job on a worker that has its backbone, its passes queued beside serving
     * at the job's weight. Blocking, for as long as training takes. Only the in-process worker of
     * the standalone server trains in this version.
     *
     * @param progress told after each epoch
     * @throws FmplexException {@code training-unavailable} where the gateway cannot train
     * @throws RuntimeException when {@code cancelled} turned true (the caller knows it asked)
     */
    default LoraOutcome trainLora(
            LoraJob job, Consumer<TrainingReport.Epoch> progress, BooleanSupplier cancelled) {
        throw new FmplexException(
                ProblemType.TRAINING_UNAVAILABLE,
                null,
                "training on workers is not available through this gateway");
    }

    /** Resident bytes of the vFM's serving version, if a worker has it loaded. */
    Optional<Long> residentBytes(String vfmId);

    /** Refuses new requests for the vFM on its worker(s); queued ones finish. */
    void pause(String vfmId);

    void resume(String vfmId);

    /** The vFM's queue as its worker's scheduler sees it; empty when no worker has it. */
    Optional<SchedulerView> schedulerView(String vfmId);

    /**
     * The scheduler views of many vFMs at once, for a listing that shows them all; vFMs no worker
     * has are left out. By default one {@link #schedulerView} each; a gateway that reaches workers
     * over the network asks each worker once instead.
     */
    default Map<String, SchedulerView> schedulerViews(Collection<String> vfmIds) {
        Map<String, SchedulerView> views = new HashMap<>();
        for (String id : vfmIds) {
            schedulerView(id).ifPresent(view -> views.put(id, view));
        }
        return views;
    }

    /**
     * What a worker's scheduler reports about one vFM.
     *
     * @param achievedShare its share of the backbone's charged execution time over the scheduler's
     *     sliding window
     * @param weightShare the share its weight entitles it to among the vFMs that wanted time in
     *     that window
     * @param replicas the workers whose schedulers these numbers add up (shares: their mean)
     */
    record SchedulerView(
            boolean paused,
            int queuedRequests,
            long completedRequests,
            double completedCostMs,
            long rejected,
            long expired,
            double achievedShare,
            double weightShare,
            int replicas) {}
}
