/**
 * Running batches on any loaded backbone: {@link dev.fmplex.engine.execution.ServedBackbone} is the
 * one interface the worker needs from a family; here too are the family-neutral pieces every
 * executor uses (the row-sharing rule of {@link dev.fmplex.engine.execution.SharedRows}, LoRA
 * deltas, per-vFM head isolation, pass planning, the native-memory loading frame) and the runner
 * the scheduler drives.
 */
package dev.fmplex.engine.execution;
