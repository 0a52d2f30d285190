/**
 * CLIP in the layout of transformers' {@code CLIPModel}: a text tower and a vision tower, their
 * projections into one embedding space and the logit scale; configuration, canonical names and
 * shapes, and the checkpoint loader.
 */
package dev.fmplex.engine.backbone.clip;
