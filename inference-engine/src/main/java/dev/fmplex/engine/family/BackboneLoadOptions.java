package dev.fmplex.engine.family;

import ai.djl.Device;

/**
 * How to load a backbone, in plain values the worker maps its configuration onto.
 *
 * @param device where the backbone's weights live and its batches run
 * @param maxInputTokens the token limit per text input, special tokens included; a checkpoint's
 *     text family caps it at the model's positions (the bundled MiniLM refuses more than its 512),
 *     and families whose inputs have a fixed size (images, series) ignore it
 * @param execution how forward passes are computed; a family without the path asked for runs
 *     eagerly
 * @param intraOpThreads threads one forward pass may use on a path that owns its thread pool (ONNX
 *     Runtime); the eager path takes its threads from the executor lane instead
 */
public record BackboneLoadOptions(
        Device device, int maxInputTokens, ExecutionPath execution, int intraOpThreads) {

    public BackboneLoadOptions {
        if (device == null) {
            throw new IllegalArgumentException("a device is required");
        }
        if (maxInputTokens < 1) {
            throw new IllegalArgumentException("maxInputTokens must be >= 1, is " + maxInputTokens);
        }
        if (execution == null) {
            throw new IllegalArgumentException("an execution path is required");
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, is " + intraOpThreads);
        }
        if (execution == ExecutionPath.ONNX_RUNTIME
                && !Device.Type.CPU.equals(device.getDeviceType())) {
            throw new IllegalArgumentException(
                    "the onnxruntime execution path runs on the CPU only in this build; use"
                            + " execution eager for device "
                            + device);
        }
    }

    /** Eager execution, all cores. */
    public BackboneLoadOptions(Device device, int maxInputTokens) {
        this(
                device,
                maxInputTokens,
                ExecutionPath.EAGER,
                Runtime.getRuntime().availableProcessors());
    }
}
