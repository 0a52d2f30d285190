package dev.fmplex.control.routing;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.security.Caller;
import dev.fmplex.control.security.RateLimits;
import dev.fmplex.control.security.VfmVisibility;
import dev.fmplex.control.telemetry.TrafficRecorder;
import dev.fmplex.model.api.FanOutRequest;
import dev.fmplex.model.api.FanOutResponse;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The native inference endpoints: {@code POST /vfms/{id}/infer} over the {@link InferenceRouter},
 * and the fan-out {@code POST /infer}. (Whether the key sees {@code id} was checked before this
 * runs.)
 */
@Tag(name = "inference", description = "Run inputs through vFMs")
@RestController
class InferController {

    private final CatalogService catalog;
    private final WorkerGateway gateway;
    private final VfmVisibility visibility;
    private final RateLimits rateLimits;
    private final InferenceRouter router;
    private final TrafficRecorder traffic;

    InferController(
            CatalogService catalog,
            WorkerGateway gateway,
            VfmVisibility visibility,
            RateLimits rateLimits,
            InferenceRouter router,
            TrafficRecorder traffic) {
        this.catalog = catalog;
        this.gateway = gateway;
        this.visibility = visibility;
        this.rateLimits = rateLimits;
        this.router = router;
        this.traffic = traffic;
    }

    @Operation(
            operationId = "inferFanOut",
            summary = "Run the same inputs through several vFMs of one backbone")
    @PostMapping("/infer")
    Mono<FanOutResponse> fanOut(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @RequestBody FanOutRequest request) {
        return Blocking.call(
                        () -> {
                            if (request.vfms() == null || request.vfms().isEmpty()) {
                                throw new FmplexException(
                                        ProblemType.INVALID_REQUEST,
                                        "vfms",
                                        "vfms must list at least 1 vFM id");
                            }
                            for (int i = 0; i < request.vfms().size(); i++) {
                                visibility.require(
                                        caller, request.vfms().get(i), "vfms[" + i + "]");
                            }
                            List<VfmDeployment> deployments = new ArrayList<>();
                            for (int i = 0; i < request.vfms().size(); i++) {
                                try {
                                    deployments.add(
                                            catalog.servingDeployment(request.vfms().get(i)));
                                } catch (FmplexException e) {
                                    throw new FmplexException(
                                            e.type(), "vfms[" + i + "]", e.getMessage());
                                }
                            }
                            return deployments;
                        })
                .flatMap(
                        deployments ->
                                traffic.observeAll(
                                        deployments.stream().map(VfmDeployment::vfmId).toList(),
                                        () -> {
                                            rateLimits.acquireInputs(
                                                    caller,
                                                    InferenceRouter.inputCount(request.inputs()));
                                            return gateway.inferMany(
                                                    deployments, request.request());
                                        }));
    }

    @Operation(operationId = "infer", summary = "Run inputs through one vFM")
    @PostMapping("/vfms/{id}/infer")
    Mono<InferResponse> infer(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable String id,
            @RequestBody InferRequest request) {
        return router.infer(caller, id, request);
    }
}
