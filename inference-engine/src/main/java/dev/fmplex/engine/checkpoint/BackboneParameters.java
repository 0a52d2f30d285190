package dev.fmplex.engine.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The complete, shape-checked parameter set of a backbone with the architecture it was checked
 * against, keyed by the family's canonical names: every expected name present, with exactly its
 * shape, in fp32. Extra entries (a pooler, buffers such as {@code position_ids}) are ignored.
 *
 * <p>One class for every family, built only through {@link #pick}, so every family reports missing
 * and misshaped tensors alike and no encoder starts on half-loaded weights.
 *
 * @param <C> the family's architecture configuration
 */
public final class BackboneParameters<C> {

    private final C config;
    private final Map<String, NDArray> parameters;

    private BackboneParameters(C config, Map<String, NDArray> parameters) {
        this.config = config;
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /**
     * @param expected every name {@code config} requires with its shape, in a stable order
     * @throws WeightLoadException naming the first misshaped or non-fp32 tensor, or up to five
     *     missing ones
     */
    public static <C> BackboneParameters<C> pick(
            C config, Map<String, long[]> expected, Map<String, NDArray> available)
            throws WeightLoadException {
        Map<String, NDArray> picked = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            String name = entry.getKey();
            NDArray array = available.get(name);
            if (array == null) {
                missing.add(name);
                continue;
            }
            long[] actual = array.getShape().getShape();
            if (!Arrays.equals(actual, entry.getValue())) {
                throw new WeightLoadException(
                        "tensor '"
                                + name
                                + "' has shape "
                                + Arrays.toString(actual)
                                + "; the configuration requires "
                                + Arrays.toString(entry.getValue()));
            }
            if (array.getDataType() != DataType.FLOAT32) {
                throw new WeightLoadException(
                        "tensor '" + name + "' is " + array.getDataType() + "; expected float32");
            }
            picked.put(name, array);
        }
        if (!missing.isEmpty()) {
            throw new WeightLoadException(
                    missing.size()
                            + " required tensor(s) missing, first: "
                            + missing.subList(0, Math.min(5, missing.size())));
        }
        return new BackboneParameters<>(config, picked);
    }

    public C config() {
        return config;
    }

    public NDArray get(String name) {
        NDArray array = parameters.get(name);
        if (array == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return array;
    }

    /** Bytes of all parameters as held in memory (fp32). */
    public long byteSize() {
        long bytes = 0;
        for (NDArray array : parameters.values()) {
            bytes += array.size() * array.getDataType().getNumOfBytes();
        }
        return bytes;
    }
}
