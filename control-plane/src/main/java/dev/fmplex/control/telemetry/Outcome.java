package dev.fmplex.control.telemetry;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;

/** How one routed request ended, in the classes an operator tells apart. */
enum Outcome {
    SUCCEEDED,
    /** 429: the vFM's queue or the key's rate limit refused it. */
    REJECTED,
    /** 504: it ran past its deadline. */
    TIMED_OUT,
    /** Another 4xx: the caller's request was wrong. */
    INVALID,
    /** 5xx, or anything that is not a problem of ours. */
    FAILED;

    static Outcome of(Throwable error) {
        if (!(error instanceof FmplexException problem)) {
            return FAILED;
        }
        if (problem.type() == ProblemType.DEADLINE_EXCEEDED) {
            return TIMED_OUT;
        }
        int status = problem.type().status();
        if (status == 429) {
            return REJECTED;
        }
        return status >= 400 && status < 500 ? INVALID : FAILED;
    }
}
