package dev.fmplex.engine.family;

import ai.djl.Device;

/**
 * How to load a backbone, in plain values the worker maps its configuration onto.
 *
 * @param device where the backbone's weights live and its batches run
 * @param maxInputTokens the token limit per text input, special tokens included; a checkpoint's
 *     text family caps it at the model's positions (the bundled MiniLM refuses more than its 512),
 *     and families whose inputs have a fixed size (images, series) ignore it
 */
public record BackboneLoadOptions(Device device, int maxInputTokens) {

    public BackboneLoadOptions {
        if (device == null) {
            throw new IllegalArgumentException("a device is required");
        }
        if (maxInputTokens < 1) {
            throw new IllegalArgumentException("maxInputTokens must be >= 1, is " + maxInputTokens);
        }
    }
}
