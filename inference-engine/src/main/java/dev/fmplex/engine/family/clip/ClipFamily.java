package dev.fmplex.engine.family.clip;

import ai.djl.Device;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.checkpoint.CheckpointFiles;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.execution.BackboneLoading;
import dev.fmplex.engine.family.BackboneFamily;
import dev.fmplex.engine.family.BackboneLoadOptions;
import dev.fmplex.engine.image.ImagePreprocessor;
import dev.fmplex.engine.text.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CLIP backbone from a Hugging Face checkpoint directory, as {@code save_pretrained} writes it
 * for {@code CLIPModel} with its processor: {@code config.json}, {@code model.safetensors}, {@code
 * tokenizer.json} and {@code preprocessor_config.json}.
 */
public final class ClipFamily implements BackboneFamily {

    public static final String TOKENIZER_FILE = TextTokenizer.FILE;

    private static final Logger log = LoggerFactory.getLogger(ClipFamily.class);

    @Override
    public String name() {
        return "clip";
    }

    @Override
    public Set<String> modelTypes() {
        return Set.of("clip");
    }

    /**
     * The token limit of {@code options} is capped at the text tower's positions (77 for the
     * released models).
     */
    @Override
    public ClipServedBackbone load(String name, Path directory, BackboneLoadOptions options)
            throws IOException, WeightLoadException {
        Device device = options.device();
        int maxTokens = options.maxInputTokens();
        Path tokenizerFile =
                TextTokenizer.requireFile(
                        directory,
                        name,
                        "save the processor with the model: processor.save_pretrained(directory)");
        long start = System.nanoTime();
        return BackboneLoading.inNewRoot(
                name,
                device,
                (root, weightsManager) -> {
                    BackboneParameters<ClipConfig> weights =
                            ClipCheckpoint.LAYOUT.load(directory, weightsManager);
                    ImagePreprocessor preprocessor =
                            preprocessor(name, directory, weights.config());
                    int limit = Math.min(maxTokens, weights.config().text().maxPositions());
                    TextTokenizer tokenizer = TextTokenizer.fromFile(tokenizerFile, limit);
                    ClipServedBackbone backbone =
                            ClipServedBackbone.create(
                                    name,
                                    weights,
                                    tokenizer,
                                    preprocessor,
                                    weightsManager,
                                    root,
                                    options.execution(),
                                    options.intraOpThreads());
                    ClipConfig config = weights.config();
                    log.info(
                            "Loaded backbone {} from {} (clip, text {} x {}, vision {} x {} on {} x {}"
                                    + " images, embeddings {}, {} MB) on {} in {} ms; token limit {}, {}"
                                    + " execution",
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
                            limit,
                            options.execution().settingName());
                    return backbone;
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
