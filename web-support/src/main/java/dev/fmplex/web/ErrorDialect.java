package dev.fmplex.web;

import dev.fmplex.model.problem.FmplexException;
import org.springframework.http.MediaType;

/**
 * How the errors of one wire protocol look. The native API answers RFC 9457 problem documents; a
 * standard protocol (OpenAI, TEI, Open Inference Protocol) answers in its own shape, so that its
 * clients raise their own typed errors. The status code is always the problem type's.
 */
public interface ErrorDialect {

    /** Whether requests to {@code path} (within the application) speak this dialect. */
    boolean handles(String path);

    MediaType mediaType();

    /** The error document for {@code problem} raised while answering {@code path}. */
    Object body(FmplexException problem, String path);
}
