package dev.fmplex.control.routing;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.security.Caller;
import dev.fmplex.control.security.RateLimits;
import dev.fmplex.control.telemetry.TrafficRecorder;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.web.Blocking;
import java.util.List;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The one request path of single-vFM inference, whichever protocol a request came in by: take the
 * inputs from the key's rate budget, find the vFM's serving deployment, hand the request to a
 * worker, and record how it went. Callers have checked that the key sees the vFM.
 */
@Service
public class InferenceRouter {

    private final CatalogService catalog;
    private final WorkerGateway gateway;
    private final RateLimits rateLimits;
    private final TrafficRecorder traffic;

    InferenceRouter(
            CatalogService catalog,
            WorkerGateway gateway,
            RateLimits rateLimits,
            TrafficRecorder traffic) {
        this.catalog = catalog;
        this.gateway = gateway;
        this.rateLimits = rateLimits;
        this.traffic = traffic;
    }

    public Mono<InferResponse> infer(Caller caller, String vfmId, InferRequest request) {
        return traffic.observe(
                vfmId,
                () -> {
                    VfmDeployment cached = catalog.cachedServingDeployment(vfmId);
                    Mono<VfmDeployment> deployment =
                            cached != null
                                    ? Mono.just(cached)
                                    : Blocking.call(() -> catalog.servingDeployment(vfmId));
                    // The vFM first, the key's input budget second: an id that is no vFM is a
                    // 404 and costs the key nothing (nor the recorder a ring).
                    return deployment.flatMap(
                            serving -> {
                                rateLimits.acquireInputs(caller, inputCount(request.inputs()));
                                return gateway.infer(serving, request);
                            });
                });
    }

    static int inputCount(List<?> inputs) {
        return inputs == null ? 0 : inputs.size();
    }
}
