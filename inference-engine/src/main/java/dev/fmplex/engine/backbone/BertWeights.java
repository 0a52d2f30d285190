package dev.fmplex.engine.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The complete, shape-checked parameter set of a BERT encoder, keyed by canonical name.
 *
 * <p>Built only through {@link #of}, which refuses a set with any missing, misshaped or non-fp32
 * tensor, so an encoder never starts on half-loaded weights.
 */
public final class BertWeights {

    private final BertConfig config;
    private final Map<String, NDArray> parameters;

    private BertWeights(BertConfig config, Map<String, NDArray> parameters) {
        this.config = config;
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /**
     * Picks and checks the encoder's parameters from {@code available}; extra entries (a pooler,
     * buffers such as {@code position_ids}) are ignored.
     */
    public static BertWeights of(BertConfig config, Map<String, NDArray> available)
            throws WeightLoadException {
        Map<String, NDArray> picked = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, long[]> expected :
                BertParameterNames.expectedShapes(config).entrySet()) {
            String name = expected.getKey();
            NDArray array = available.get(name);
            if (array == null) {
                missing.add(name);
                continue;
            }
            long[] actual = array.getShape().getShape();
            if (!Arrays.equals(actual, expected.getValue())) {
                throw new WeightLoadException(
                        "tensor '"
                                + name
                                + "' has shape "
                                + Arrays.toString(actual)
                                + "; the configuration requires "
                                + Arrays.toString(expected.getValue()));
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
        return new BertWeights(config, picked);
    }

    public BertConfig config() {
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
