package dev.fmplex.engine.family.patchtst;

import ai.djl.Device;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.execution.BackboneLoading;
import dev.fmplex.engine.family.BackboneFamily;
import dev.fmplex.engine.family.BackboneLoadOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PatchTST backbone from a Hugging Face checkpoint directory, as {@code save_pretrained} writes
 * it for {@code PatchTSTModel} or a PatchTST task model: {@code config.json} and {@code
 * model.safetensors}.
 */
public final class PatchTstFamily implements BackboneFamily {

    private static final Logger log = LoggerFactory.getLogger(PatchTstFamily.class);

    @Override
    public String name() {
        return "patchtst";
    }

    @Override
    public Set<String> modelTypes() {
        return Set.of("patchtst");
    }

    @Override
    public PatchTstServedBackbone load(String name, Path directory, BackboneLoadOptions options)
            throws IOException, WeightLoadException {
        Device device = options.device();
        long start = System.nanoTime();
        return BackboneLoading.inNewRoot(
                name,
                device,
                (root, weightsManager) -> {
                    BackboneParameters<PatchTstConfig> weights =
                            PatchTstCheckpoint.LAYOUT.load(directory, weightsManager);
                    PatchTstServedBackbone backbone =
                            PatchTstServedBackbone.create(
                                    name,
                                    weights,
                                    weightsManager,
                                    root,
                                    options.execution(),
                                    options.intraOpThreads());
                    PatchTstConfig config = weights.config();
                    log.info(
                            "Loaded backbone {} from {} (patchtst, {} layers, d_model {}, {} channel(s) x"
                                    + " {} steps in {} patches, {} scaling, {} KB) on {} in {} ms, {}"
                                    + " execution",
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
                            (System.nanoTime() - start) / 1_000_000,
                            options.execution().settingName());
                    return backbone;
                });
    }
}
