package dev.fmplex.worker.api;

import dev.fmplex.model.api.FanOutRequest;
import dev.fmplex.model.api.FanOutResponse;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.worker.inference.VfmDeployments;
import dev.fmplex.worker.inference.VfmInferenceService;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The public infer contract, served by a worker directly (same as the control plane's). */
@RestController
class WorkerInferController {

    private final VfmInferenceService inference;
    private final VfmDeployments deployments;

    WorkerInferController(VfmInferenceService inference, VfmDeployments deployments) {
        this.inference = inference;
        this.deployments = deployments;
    }

    @PostMapping("/vfms/{id}/infer")
    Mono<InferResponse> infer(@PathVariable String id, @RequestBody InferRequest request) {
        return Mono.defer(
                () ->
                        inference.infer(
                                deployments
                                        .deployment(id)
                                        .orElseThrow(
                                                () ->
                                                        new FmplexException(
                                                                ProblemType.UNKNOWN_VFM,
                                                                "id",
                                                                "no vFM with id '"
                                                                        + id
                                                                        + "' on this worker")),
                                request));
    }

    @PostMapping("/infer")
    Mono<FanOutResponse> fanOut(@RequestBody FanOutRequest request) {
        return Mono.defer(
                () -> {
                    if (request.vfms() == null) {
                        throw new FmplexException(
                                ProblemType.INVALID_REQUEST,
                                "vfms",
                                "vfms is required: a list of vFM ids");
                    }
                    return inference.inferMany(
                            deployments.deploymentsOf(request.vfms()), request.request());
                });
    }
}
