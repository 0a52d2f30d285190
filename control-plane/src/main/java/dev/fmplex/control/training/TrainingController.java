package dev.fmplex.control.training;

import dev.fmplex.control.security.Caller;
import dev.fmplex.control.security.VfmVisibility;
import dev.fmplex.model.api.TrainingJobRequest;
import dev.fmplex.model.api.TrainingJobView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.web.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.multipart.Part;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Training jobs as resources: submit one for a vFM, read its state, progress and report, cancel it.
 * A job is visible to whoever sees its vFM; to anyone else it does not exist.
 */
@Tag(name = "training", description = "Build a vFM's head from labelled examples")
@RestController
class TrainingController {

    /** How often a stream looks at its job besides being told of changes (a missed tick). */
    private static final Duration EVENT_INTERVAL = Duration.ofSeconds(2);

    private static final String CREATE_SUMMARY =
            "Train the vFM from labelled examples (recipe head or lora); the result becomes its"
                    + " next version. The examples come inline (JSON body) or as a JSON Lines file"
                    + " (multipart: part 'examples', one example per line, and optional part"
                    + " 'options', the JSON body without examples)";

    /** The options part is a few settings, never a dataset. */
    private static final int OPTIONS_MAX_BYTES = 64 * 1024;

    private final TrainingJobs jobs;
    private final VfmVisibility visibility;
    private final JsonMapper json;

    TrainingController(TrainingJobs jobs, VfmVisibility visibility, JsonMapper json) {
        this.jobs = jobs;
        this.visibility = visibility;
        this.json = json;
    }

    @Operation(operationId = "createTrainingJob", summary = CREATE_SUMMARY)
    @ApiResponse(responseCode = "202", description = "Accepted: the job, queued")
    @PostMapping(path = "/vfms/{id}/training-jobs", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<TrainingJobView>> create(
            @PathVariable String id, @RequestBody TrainingJobRequest request) {
        return Blocking.call(() -> jobs.submit(id, request)).map(TrainingController::accepted);
    }

    /**
     * The multipart form of {@code createTrainingJob}. Left out of the API description: one
     * operation with two bodies makes OpenAPI Generator's Java client refer to a model it never
     * writes, and that operation's summary already describes this form.
     */
    @Operation(hidden = true)
    @PostMapping(path = "/vfms/{id}/training-jobs", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<TrainingJobView>> upload(
            @PathVariable String id,
            @RequestPart("examples") Mono<Part> examples,
            @RequestPart(value = "options", required = false) Mono<Part> options) {
        Mono<TrainingJobRequest> settings =
                options.flatMap(part -> bytes(part, "options", OPTIONS_MAX_BYTES))
                        .map(this::options)
                        .defaultIfEmpty(new TrainingJobRequest(null, null, null, null, null));
        return Mono.zip(
                        settings,
                        examples.flatMap(part -> bytes(part, "examples", JsonlExamples.MAX_BYTES)))
                .flatMap(
                        both ->
                                Blocking.call(
                                        () -> {
                                            JsonlExamples file =
                                                    JsonlExamples.parse(both.getT2(), json);
                                            TrainingJobRequest o = both.getT1();
                                            try {
                                                return jobs.submit(
                                                        id,
                                                        new TrainingJobRequest(
                                                                o.recipe(),
                                                                file.examples(),
                                                                o.folds(),
                                                                o.seed(),
                                                                o.lora()));
                                            } catch (FmplexException e) {
                                                throw file.atLine(e);
                                            }
                                        }))
                .map(TrainingController::accepted);
    }

    private TrainingJobRequest options(byte[] content) {
        TrainingJobRequest o;
        try {
            o = json.readValue(content, TrainingJobRequest.class);
        } catch (JacksonException e) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "options",
                    "the options part must be a JSON object like {\"recipe\": \"lora\","
                            + " \"seed\": 7}: "
                            + e.getOriginalMessage());
        }
        if (o.examples() != null) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "options.examples",
                    "with an examples file the options part holds no examples");
        }
        return o;
    }

    private static Mono<byte[]> bytes(Part part, String name, int limit) {
        return DataBufferUtils.join(part.content(), limit)
                .onErrorMap(
                        DataBufferLimitException.class,
                        e ->
                                new FmplexException(
                                        ProblemType.REQUEST_TOO_LARGE,
                                        name,
                                        "the "
                                                + name
                                                + " part exceeds its limit of "
                                                + limit / (1024 * 1024)
                                                + " MB",
                                        Map.of("limit", limit),
                                        e))
                .map(
                        buffer -> {
                            byte[] bytes = new byte[buffer.readableByteCount()];
                            buffer.read(bytes);
                            DataBufferUtils.release(buffer);
                            return bytes;
                        });
    }

    private static ResponseEntity<TrainingJobView> accepted(TrainingJobView job) {
        return ResponseEntity.accepted()
                .location(URI.create("/training-jobs/" + job.id()))
                .body(job);
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
            operationId = "streamTrainingJob",
            summary =
                    "The job's progress as Server-Sent Events: its view whenever its state, phase,"
                            + " features read or epoch change, the last one (event 'finished')"
                            + " when it has finished")
    @GetMapping(
            path = "/training-jobs/{jobId}/events",
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<TrainingJobView>> events(
            @AuthenticationPrincipal @Parameter(hidden = true) Caller caller,
            @PathVariable String jobId) {
        return Blocking.call(() -> visible(caller, jobId))
                .flatMapMany(
                        id ->
                                Flux.merge(
                                                jobs.changes(id),
                                                Flux.interval(Duration.ZERO, EVENT_INTERVAL))
                                        .onBackpressureLatest()
                                        .concatMap(tick -> Blocking.call(() -> jobs.get(id)), 1)
                                        .distinctUntilChanged(TrainingController::progressOf)
                                        .takeUntil(job -> job.finishedAt() != null))
                .map(
                        job ->
                                ServerSentEvent.builder(job)
                                        .event(job.finishedAt() != null ? "finished" : "progress")
                                        .build());
    }

    /** What an event is sent for: a change of state, phase, features read or epoch. */
    private static List<Object> progressOf(TrainingJobView job) {
        return java.util.Arrays.asList(
                job.state(), job.phase(), job.featuresDone(), job.lastEpoch(), job.finishedAt());
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
