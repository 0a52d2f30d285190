/**
 * Typed failures that every FMplex process reports the same way.
 *
 * <p>Code anywhere throws {@link dev.fmplex.model.problem.FmplexException} with a {@link
 * dev.fmplex.model.problem.ProblemType}; each web app maps it in one place to an RFC 9457 {@code
 * application/problem+json} response with a stable {@code type} URI.
 */
package dev.fmplex.model.problem;
