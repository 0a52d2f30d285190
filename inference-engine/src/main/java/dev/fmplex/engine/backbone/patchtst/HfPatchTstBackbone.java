package dev.fmplex.engine.backbone.patchtst;

import ai.djl.Device;
import dev.fmplex.engine.backbone.WeightLoadException;
import dev.fmplex.engine.execution.BackboneLoading;
import dev.fmplex.engine.execution.SeriesBackboneRuntime;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PatchTST backbone from a Hugging Face checkpoint directory, as {@code save_pretrained} writes
 * it for {@code PatchTSTModel} or a PatchTST task model: {@code config.json} and {@code
 * model.safetensors}.
 */
public final class HfPatchTstBackbone {

    private static final Logger log = LoggerFactory.getLogger(HfPatchTstBackbone.class);

    private HfPatchTstBackbone() {}

    public static SeriesBackboneRuntime load(String name, Path directory, Device device)
            throws IOException, WeightLoadException {
        long start = System.nanoTime();
        return BackboneLoading.inNewRoot(
                device,
                (root, weightsManager) -> {
                    PatchTstWeights weights;
                    try {
                        weights = HfPatchTstCheckpoint.load(directory, weightsManager);
                    } catch (WeightLoadException e) {
                        throw BackboneLoading.named(name, e);
                    }
                    SeriesBackboneRuntime runtime =
                            SeriesBackboneRuntime.create(name, weights, weightsManager, root);
                    PatchTstConfig config = weights.config();
                    log.info(
                            "Loaded backbone {} from {} (patchtst, {} layers, d_model {}, {} channel(s) x"
                                    + " {} steps in {} patches, {} scaling, {} KB) on {} in {} ms",
                            name,
                            directory,
                            config.layers(),
                            config.dModel(),
                            config.channels(),
                            config.contextLength(),
                            config.patches(),
                            config.scaling().name().toLowerCase(java.util.Locale.ROOT),
                            weights.byteSize() / 1024,
                            device,
                            (System.nanoTime() - start) / 1_000_000);
                    return runtime;
                });
    }
}
