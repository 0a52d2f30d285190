package dev.fmplex.engine.backbone.clip;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.backbone.CheckedTensors;
import dev.fmplex.engine.backbone.WeightLoadException;
import java.util.Map;

/**
 * The complete, shape-checked parameter set of a CLIP model, keyed by canonical name; built only
 * through {@link #of}, so neither tower starts on half-loaded weights.
 */
public final class ClipWeights {

    private final ClipConfig config;
    private final CheckedTensors parameters;

    private ClipWeights(ClipConfig config, CheckedTensors parameters) {
        this.config = config;
        this.parameters = parameters;
    }

    public static ClipWeights of(ClipConfig config, Map<String, NDArray> available)
            throws WeightLoadException {
        return new ClipWeights(
                config, CheckedTensors.pick(ClipParameterNames.expectedShapes(config), available));
    }

    public ClipConfig config() {
        return config;
    }

    public NDArray get(String name) {
        return parameters.get(name);
    }

    public long byteSize() {
        return parameters.byteSize();
    }
}
