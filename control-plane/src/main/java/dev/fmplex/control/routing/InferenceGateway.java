package dev.fmplex.control.routing;

import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.vfm.VfmDeployment;
import reactor.core.publisher.Mono;

/** Sends one infer request of a serving vFM to a worker that can run it. */
public interface InferenceGateway {

    Mono<InferResponse> infer(VfmDeployment deployment, InferRequest request);
}
