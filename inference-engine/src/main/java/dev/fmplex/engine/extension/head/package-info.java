/**
 * Task heads: what turns a vFM's features into its outputs (embeddings, class scores, a value,
 * token labels). Heads run per vFM on that vFM's rows only, after the shared forward pass.
 */
package dev.fmplex.engine.extension.head;
