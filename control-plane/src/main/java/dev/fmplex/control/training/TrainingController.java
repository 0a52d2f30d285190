package dev.fmplex.control.training;

import dev.fmplex.control.security.Caller;
import dev.fmplex.control.security.VfmVisibility;
import dev.fmplex.model.api.TrainingJobRequest;
import dev.fmplex.model.api.TrainingJobView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Training jobs as resources: submit one for a vFM, read its state, progress and report, cancel it.
 * A job is visible to whoever sees its vFM; to anyone else it does not exist.
 */
@Tag(name = "training", description = "Build a vFM's head from labelled examples")
@RestController
class TrainingController {

    private final TrainingJobs jobs;
    private final VfmVisibility visibility;

    TrainingController(TrainingJobs jobs, VfmVisibility visibility) {
        this.jobs = jobs;
        this.visibility = visibility;
    }

    @Operation(
            operationId = "createTrainingJob",
            summary =
                    "Train the vFM's head on the frozen backbone from labelled examples; the"
                            + " result becomes its next version")
    @PostMapping("/vfms/{id}/training-jobs")
    Mono<ResponseEntity<TrainingJobView>> create(
            @PathVariable String id, @RequestBody TrainingJobRequest request) {
        return Blocking.call(() -> jobs.submit(id, request))
                .map(
                        job ->
                                ResponseEntity.accepted()
                                        .location(URI.create("/training-jobs/" + job.id()))
                                        .body(job));
    }

    @Operation(operationId = "listTrainingJobs", summary = "The vFM's training jobs, oldest first")
    @GetMapping("/vfms/{id}/training-jobs")
    Mono<List<TrainingJobView>> list(@PathVariable String id) {
        return Blocking.call(() -> jobs.of(id));
    }

    @Operation(operationId = "getTrainingJob", summary = "A training job: state, progress, report")
    @GetMapping("/training-jobs/{jobId}")
    Mono<TrainingJobView> get(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable String jobId) {
        return Blocking.call(() -> jobs.get(visible(caller, jobId)));
    }

    @Operation(
            operationId = "cancelTrainingJob",
            summary = "Cancel a queued or running training job (nothing is stored)")
    @PostMapping("/training-jobs/{jobId}/cancel")
    Mono<TrainingJobView> cancel(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable String jobId) {
        return Blocking.call(() -> jobs.cancel(visible(caller, jobId)));
    }

    /** The job's id if the caller sees its vFM; else the job does not exist for it. */
    private UUID visible(Caller caller, String jobId) {
        UUID id;
        try {
            id = UUID.fromString(jobId);
        } catch (IllegalArgumentException e) {
            throw TrainingJobs.unknown(jobId);
        }
        String vfm = jobs.vfmOf(id);
        try {
            visibility.require(caller, vfm, "id");
        } catch (FmplexException hidden) {
            throw TrainingJobs.unknown(jobId);
        }
        return id;
    }
}
