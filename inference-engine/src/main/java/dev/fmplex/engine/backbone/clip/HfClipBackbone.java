package dev.fmplex.engine.backbone.clip;

import ai.djl.Device;
import dev.fmplex.engine.backbone.WeightLoadException;
import dev.fmplex.engine.backbone.hf.CheckpointFiles;
import dev.fmplex.engine.execution.BackboneLoading;
import dev.fmplex.engine.execution.ClipBackboneRuntime;
import dev.fmplex.engine.image.ImagePreprocessor;
import dev.fmplex.engine.text.TextTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CLIP backbone from a Hugging Face checkpoint directory, as {@code save_pretrained} writes it
 * for {@code CLIPModel} with its processor: {@code config.json}, {@code model.safetensors}, {@code
 * tokenizer.json} and {@code preprocessor_config.json}.
 */
public final class HfClipBackbone {

    public static final String TOKENIZER_FILE = "tokenizer.json";

    private static final Logger log = LoggerFactory.getLogger(HfClipBackbone.class);

    private HfClipBackbone() {}

    /**
     * @param maxTokens the token limit per text, capped at the text tower's positions (77 for the
     *     released models)
     */
    public static ClipBackboneRuntime load(
            String name, Path directory, Device device, int maxTokens)
            throws IOException, WeightLoadException {
        Path tokenizerFile = directory.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new WeightLoadException(
                    "backbone "
                            + name
                            + ": "
                            + tokenizerFile
                            + " is missing (save the processor with the model:"
                            + " processor.save_pretrained(directory))");
        }
        long start = System.nanoTime();
        return BackboneLoading.inNewRoot(
                device,
                (root, weightsManager) -> {
                    ClipWeights weights;
                    ImagePreprocessor preprocessor;
                    try {
                        weights = HfClipCheckpoint.load(directory, weightsManager);
                        preprocessor = preprocessor(name, directory, weights.config());
                    } catch (WeightLoadException e) {
                        throw BackboneLoading.named(name, e);
                    }
                    int limit = Math.min(maxTokens, weights.config().text().maxPositions());
                    TextTokenizer tokenizer;
                    try (InputStream json = Files.newInputStream(tokenizerFile)) {
                        tokenizer = TextTokenizer.fromJson(json, limit);
                    }
                    ClipBackboneRuntime runtime =
                            ClipBackboneRuntime.create(
                                    name, weights, tokenizer, preprocessor, weightsManager, root);
                    ClipConfig config = weights.config();
                    log.info(
                            "Loaded backbone {} from {} (clip, text {} x {}, vision {} x {} on {} x {}"
                                    + " images, embeddings {}, {} MB) on {} in {} ms; token limit {}",
                            name,
                            directory,
                            config.text().layers(),
                            config.text().hiddenSize(),
                            config.vision().layers(),
                            config.vision().hiddenSize(),
                            config.vision().imageSize(),
                            config.vision().imageSize(),
                            config.projectionDim(),
                            weights.byteSize() / (1024 * 1024),
                            device,
                            (System.nanoTime() - start) / 1_000_000,
                            limit);
                    return runtime;
                });
    }

    private static ImagePreprocessor preprocessor(String name, Path directory, ClipConfig config)
            throws WeightLoadException {
        Path file = directory.resolve(ImagePreprocessor.FILE);
        int size = config.vision().imageSize();
        if (!Files.isRegularFile(file)) {
            log.warn(
                    "Backbone {}: {} has no {}; images get CLIPImageProcessor's defaults",
                    name,
                    directory,
                    ImagePreprocessor.FILE);
            return ImagePreprocessor.clipDefaults(size);
        }
        return ImagePreprocessor.clipFromJson(CheckpointFiles.read(file), size);
    }
}
