package dev.fmplex.worker.inference;

import dev.fmplex.engine.execution.VfmExecutionException;
import dev.fmplex.engine.extension.peft.ArtifactException;
import dev.fmplex.engine.input.InvalidInputException;
import dev.fmplex.engine.scheduler.AdmissionException;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * The one place where the engine's typed exceptions become problem types of the HTTP contract. The
 * engine knows nothing of HTTP; every engine exception a request can meet is mapped here, and
 * anything else passes through unchanged.
 */
final class EngineProblems {

    private EngineProblems() {}

    /**
     * The problem for {@code error}, unwrapping a {@link CompletionException}: an engine exception
     * becomes its {@link FmplexException}; anything else is returned as it is.
     */
    static Throwable translate(Throwable error) {
        Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        if (cause instanceof InvalidInputException invalid) {
            return of(invalid);
        }
        if (cause instanceof AdmissionException admission) {
            return of(admission);
        }
        if (cause instanceof VfmExecutionException failed) {
            return of(failed);
        }
        if (cause instanceof ArtifactException artifact) {
            return of(artifact);
        }
        return cause;
    }

    static FmplexException of(InvalidInputException e) {
        ProblemType type =
                switch (e.reason()) {
                    case TOO_MANY_INPUTS -> ProblemType.TOO_MANY_INPUTS;
                    case INPUT_TOO_LONG -> ProblemType.INPUT_TOO_LONG;
                    case WRONG_MODALITY -> ProblemType.WRONG_MODALITY;
                    case UNDECODABLE_INPUT -> ProblemType.UNDECODABLE_INPUT;
                    case WRONG_INPUT_SHAPE -> ProblemType.WRONG_INPUT_SHAPE;
                    case INVALID_INPUT_VALUE -> ProblemType.INVALID_INPUT_VALUE;
                    case INVALID_REQUEST -> ProblemType.INVALID_REQUEST;
                };
        return new FmplexException(type, e.field(), e.getMessage(), e.limits(), e);
    }

    /** 422 naming the file (or the set of files) and the reason. */
    static FmplexException of(ArtifactException e) {
        return new FmplexException(
                ProblemType.INVALID_ARTIFACT,
                e.file() == null ? "files" : "files[" + e.file() + "]",
                e.getMessage(),
                Map.of(),
                e);
    }

    static FmplexException of(AdmissionException e) {
        return switch (e.reason()) {
            case QUEUE_FULL ->
                    new FmplexException(
                            ProblemType.QUEUE_FULL,
                            null,
                            e.getMessage(),
                            Map.of(
                                    "retryAfterSeconds",
                                    Math.max(1, (e.retryAfterMillis() + 999) / 1000)),
                            e);
            case PAUSED ->
                    new FmplexException(ProblemType.VFM_PAUSED, null, e.getMessage(), Map.of(), e);
            case DEADLINE_EXCEEDED ->
                    new FmplexException(
                            ProblemType.DEADLINE_EXCEEDED, null, e.getMessage(), Map.of(), e);
            case SHUTTING_DOWN ->
                    new FmplexException(
                            ProblemType.SHUTTING_DOWN, null, e.getMessage(), Map.of(), e);
        };
    }

    static FmplexException of(VfmExecutionException e) {
        return new FmplexException(ProblemType.VFM_FAILED, null, e.getMessage(), Map.of(), e);
    }
}
