package dev.fmplex.engine.backbone;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * The complete, shape-checked parameter set of a BERT encoder, keyed by canonical name.
 *
 * <p>Built only through {@link #of}, which refuses a set with any missing, misshaped or non-fp32
 * tensor, so an encoder never starts on half-loaded weights.
 */
public final class BertWeights {

    private final BertConfig config;
    private final CheckedTensors parameters;

    private BertWeights(BertConfig config, CheckedTensors parameters) {
        this.config = config;
        this.parameters = parameters;
    }

    /**
     * Picks and checks the encoder's parameters from {@code available}; extra entries (a pooler,
     * buffers such as {@code position_ids}) are ignored.
     */
    public static BertWeights of(BertConfig config, Map<String, NDArray> available)
            throws WeightLoadException {
        return new BertWeights(
                config, CheckedTensors.pick(BertParameterNames.expectedShapes(config), available));
    }

    public BertConfig config() {
        return config;
    }

    public NDArray get(String name) {
        return parameters.get(name);
    }

    /** Bytes of all parameters as held in memory (fp32). */
    public long byteSize() {
        return parameters.byteSize();
    }
}
