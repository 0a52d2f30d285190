/**
 * Backbone descriptions and weights: architecture configuration, the canonical Hugging Face
 * parameter names, and shape validation shared by every weight loader.
 */
package dev.fmplex.engine.backbone;
