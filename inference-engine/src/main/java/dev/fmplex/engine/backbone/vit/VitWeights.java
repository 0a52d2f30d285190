package dev.fmplex.engine.backbone.vit;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.backbone.CheckedTensors;
import dev.fmplex.engine.backbone.WeightLoadException;
import java.util.Map;

/**
 * The complete, shape-checked parameter set of a ViT encoder, keyed by canonical name; built only
 * through {@link #of}, so an encoder never starts on half-loaded weights.
 */
public final class VitWeights {

    private final VitConfig config;
    private final CheckedTensors parameters;

    private VitWeights(VitConfig config, CheckedTensors parameters) {
        this.config = config;
        this.parameters = parameters;
    }

    public static VitWeights of(VitConfig config, Map<String, NDArray> available)
            throws WeightLoadException {
        return new VitWeights(
                config, CheckedTensors.pick(VitParameterNames.expectedShapes(config), available));
    }

    public VitConfig config() {
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
