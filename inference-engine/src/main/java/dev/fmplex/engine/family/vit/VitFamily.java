package dev.fmplex.engine.family.vit;

import ai.djl.Device;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.CheckpointFiles;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.execution.BackboneLoading;
import dev.fmplex.engine.family.BackboneFamily;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.image.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ViT backbone from a Hugging Face checkpoint directory, as {@code save_pretrained} writes it for
 * {@code ViTModel} or {@code ViTForImageClassification}: {@code config.json}, {@code
 * model.safetensors} and the image processor's {@code preprocessor_config.json}.
 */
public final class VitFamily implements BackboneFamily {

    private static final Logger log = LoggerFactory.getLogger(VitFamily.class);

    @Override
    public String name() {
        return "vit";
    }

    @Override
    public Set<String> modelTypes() {
        return Set.of("vit");
    }

    /**
     * Loads the checkpoint in {@code directory} onto {@code device} under {@code name}. Without a
     * {@code preprocessor_config.json} images get {@code ViTImageProcessor}'s defaults (resize to
     * the model's size, rescale by 1/255, mean and std 0.5), which the log says.
     */
    @Override
    public VitServedBackbone load(String name, Path directory, BackboneLoadOptions options)
            throws IOException, WeightLoadException {
        Device device = options.device();
        long start = System.nanoTime();
        return BackboneLoading.inNewRoot(
                name,
                device,
                (root, weightsManager) -> {
                    BackboneParameters<VitConfig> weights =
                            VitCheckpoint.LAYOUT.load(directory, weightsManager);
                    ImagePreprocessor preprocessor =
                            preprocessor(name, directory, weights.config());
                    VitServedBackbone backbone =
                            VitServedBackbone.create(
                                    name,
                                    weights,
                                    preprocessor,
                                    weightsManager,
                                    root,
                                    options.execution(),
                                    options.intraOpThreads());
                    VitConfig config = weights.config();
                    log.info(
                            "Loaded backbone {} from {} (vit, {} layers, hidden {}, {} x {} images in {}"
                                    + " patches, {} MB) on {} in {} ms, {} execution",
                            name,
                            directory,
                            config.layers(),
                            config.hiddenSize(),
                            config.imageSize(),
                            config.imageSize(),
                            config.patches(),
                            weights.byteSize() / (1024 * 1024),
                            device,
                            (System.nanoTime() - start) / 1_000_000,
                            options.execution().settingName());
                    return backbone;
                });
    }

    private static ImagePreprocessor preprocessor(String name, Path directory, VitConfig config)
            throws WeightLoadException {
        Path file = directory.resolve(ImagePreprocessor.FILE);
        if (!Files.isRegularFile(file)) {
            log.warn(
                    "Backbone {}: {} has no {}; images get ViTImageProcessor's defaults",
                    name,
                    directory,
                    ImagePreprocessor.FILE);
            return ImagePreprocessor.vitDefaults(config.imageSize());
        }
        return ImagePreprocessor.fromJson(CheckpointFiles.read(file), config.imageSize());
    }
}
