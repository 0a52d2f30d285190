/**
 * Reading checkpoints, for every family: {@code config.json} fields, safetensors decoded to fp32
 * only after their header is validated, the shared loading frame ({@link
 * dev.fmplex.engine.checkpoint.HfCheckpointLayout}) and the one shape-checked parameter set ({@link
 * dev.fmplex.engine.checkpoint.BackboneParameters}). Nothing here knows a family.
 */
package dev.fmplex.engine.checkpoint;
