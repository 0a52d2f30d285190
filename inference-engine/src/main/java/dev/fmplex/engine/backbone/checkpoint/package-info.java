/**
 * Hugging Face checkpoint directories of any supported family, loaded by the family their {@code
 * config.json} names.
 */
package dev.fmplex.engine.backbone.checkpoint;
