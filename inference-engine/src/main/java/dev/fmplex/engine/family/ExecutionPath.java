package dev.fmplex.engine.family;

import ai.djl.Device;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a backbone's forward passes are computed. Every family has the eager path; a family may add
 * others, each tested against it on the same batches.
 */
public enum ExecutionPath {
    /** Op by op with DJL's PyTorch engine: the reference path, on CPU or GPU. */
    EAGER,
    /**
     * One ONNX Runtime graph per pass, built by the family over the same weights with inputs for
     * per-row extensions (CPU). Families without such a graph run eagerly.
     */
    ONNX_RUNTIME;

    /** The setting that picks the path by device: {@link #forSetting}. */
    public static final String AUTO = "auto";

    /**
     * The path a setting names on {@code device}: {@code auto} is {@link #ONNX_RUNTIME} on the CPU
     * (measured about twice as fast as eager on text, see docs/design/execution.md) and {@link
     * #EAGER} on a GPU, where only the eager path runs in this build.
     */
    public static ExecutionPath forSetting(String setting, Device device) {
        if (setting != null && AUTO.equals(setting.trim().toLowerCase(Locale.ROOT))) {
            return Device.Type.CPU.equals(device.getDeviceType()) ? ONNX_RUNTIME : EAGER;
        }
        return fromName(setting);
    }

    /** {@code eager} or {@code onnxruntime}, as a setting spells it. */
    public static ExecutionPath fromName(String name) {
        String normalized = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case "eager", "djl" -> EAGER;
            case "onnxruntime", "onnx-runtime", "ort" -> ONNX_RUNTIME;
            default ->
                    throw new IllegalArgumentException(
                            "unknown execution path '"
                                    + name
                                    + "'; expected one of "
                                    + AUTO
                                    + ", "
                                    + Arrays.stream(values())
                                            .map(ExecutionPath::settingName)
                                            .collect(Collectors.joining(", ")));
        };
    }

    public String settingName() {
        return this == EAGER ? "eager" : "onnxruntime";
    }
}
