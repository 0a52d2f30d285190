/**
 * What every modality's input has in common once it is checked and converted: the positions it
 * costs the backbone (the scheduler's unit of work), its value identity for sharing backbone rows,
 * and the typed {@link dev.fmplex.engine.input.InvalidInputException} an input that cannot be taken
 * raises (mapped to a problem type by the worker, never here).
 */
package dev.fmplex.engine.input;
