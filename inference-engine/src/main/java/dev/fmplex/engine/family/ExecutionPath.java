package dev.fmplex.engine.family;

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
                                    + Arrays.stream(values())
                                            .map(ExecutionPath::settingName)
                                            .collect(Collectors.joining(", ")));
        };
    }

    public String settingName() {
        return this == EAGER ? "eager" : "onnxruntime";
    }
}
