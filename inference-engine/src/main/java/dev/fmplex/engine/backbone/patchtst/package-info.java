/**
 * PatchTST time-series encoders in the layout of transformers' {@code PatchTSTModel} and its task
 * models: configuration, canonical parameter names and shapes, and the checkpoint loader.
 */
package dev.fmplex.engine.backbone.patchtst;
