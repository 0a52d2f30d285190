package dev.fmplex.control.protocol;

import dev.fmplex.control.routing.InferenceRouter;
import dev.fmplex.control.security.Caller;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.web.Blocking;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * What every protocol call runs: name the vFM for the key, check that its task kind is one the
 * protocol route serves, build the native request and send it down the {@link InferenceRouter} (the
 * native endpoint's path: rate limits, quotas, scheduler, metrics), with native field names in
 * errors renamed to the protocol's.
 */
@Service
public class ProtocolInference {

    private final ModelDirectory models;
    private final InferenceRouter router;

    ProtocolInference(ModelDirectory models, InferenceRouter router) {
        this.models = models;
        this.router = router;
    }

    /**
     * A native reply and the vFM that gave it.
     *
     * @param name the model name as the caller addresses the vFM
     */
    public record Served(VfmView vfm, String name, InferResponse response) {

        public TaskSpec task() {
            return vfm.task();
        }
    }

    /** What a route needs to call a vFM. */
    public record Call(
            String model,
            String modelField,
            Set<String> kinds,
            String route,
            Function<VfmView, InferRequest> request,
            UnaryOperator<String> renaming) {}

    public Mono<Served> infer(Caller caller, Call call) {
        // The catalog reads and the translation (which may read the catalog too) run off the
        // event loop.
        return Blocking.call(
                        () -> {
                            VfmView vfm = serving(caller, call);
                            return new Prepared(vfm, call.request().apply(vfm));
                        })
                .flatMap(
                        prepared ->
                                Mono.defer(
                                                () ->
                                                        router.infer(
                                                                caller,
                                                                prepared.vfm().id(),
                                                                prepared.request()))
                                        // Only the native path's errors carry native field names.
                                        .onErrorMap(
                                                error ->
                                                        FieldRenaming.apply(error, call.renaming()))
                                        .map(
                                                response ->
                                                        new Served(
                                                                prepared.vfm(),
                                                                models.nameFor(
                                                                        caller, prepared.vfm()),
                                                                response)));
    }

    private record Prepared(VfmView vfm, InferRequest request) {}

    private VfmView serving(Caller caller, Call call) {
        VfmView vfm = models.resolve(caller, call.model(), call.modelField());
        String kind = vfm.task().kind();
        if (!call.kinds().contains(kind)) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    call.modelField(),
                    "model '"
                            + call.model()
                            + "' is a vFM of task kind "
                            + kind
                            + "; "
                            + call.route()
                            + " serves "
                            + String.join(" and ", call.kinds().stream().sorted().toList())
                            + " vFMs");
        }
        return vfm;
    }
}
