/**
 * What a task adds to a shared backbone: LoRA adapters on its linear layers, soft prompts, the
 * feature choice (layer, pooling) and a head; assembled per vFM version as a {@link
 * dev.fmplex.engine.extension.VfmModel} whose tensors live in that version's own NDManager.
 */
package dev.fmplex.engine.extension;
