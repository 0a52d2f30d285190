package dev.fmplex.engine.backbone.patchtst;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.backbone.CheckedTensors;
import dev.fmplex.engine.backbone.WeightLoadException;
import java.util.Map;

/**
 * The complete, shape-checked parameter set of a PatchTST encoder, keyed by canonical name; built
 * only through {@link #of}, so an encoder never starts on half-loaded weights.
 */
public final class PatchTstWeights {

    private final PatchTstConfig config;
    private final CheckedTensors parameters;

    private PatchTstWeights(PatchTstConfig config, CheckedTensors parameters) {
        this.config = config;
        this.parameters = parameters;
    }

    public static PatchTstWeights of(PatchTstConfig config, Map<String, NDArray> available)
            throws WeightLoadException {
        return new PatchTstWeights(
                config,
                CheckedTensors.pick(PatchTstParameterNames.expectedShapes(config), available));
    }

    public PatchTstConfig config() {
        return config;
    }

    /** The parameter; throws for a name the configuration does not have. */
    public NDArray get(String name) {
        return parameters.get(name);
    }

    public long byteSize() {
        return parameters.byteSize();
    }
}
