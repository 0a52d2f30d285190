package dev.fmplex.engine.backbone.hf;

import ai.djl.Device;
import dev.fmplex.engine.backbone.BertWeights;
import dev.fmplex.engine.backbone.WeightLoadException;
import dev.fmplex.engine.execution.BackboneLoading;
import dev.fmplex.engine.execution.BackboneRuntime;
import dev.fmplex.engine.text.TextTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BERT-family backbone from a Hugging Face checkpoint directory, as {@code save_pretrained}
 * writes it: {@code config.json}, {@code model.safetensors} and the tokenizer's {@code
 * tokenizer.json}. This is how a worker hosts backbones beyond the bundled one.
 */
public final class HfBertBackbone {

    public static final String TOKENIZER_FILE = "tokenizer.json";

    private static final Logger log = LoggerFactory.getLogger(HfBertBackbone.class);

    private HfBertBackbone() {}

    /**
     * Loads the checkpoint in {@code directory} onto {@code device} under {@code name}.
     *
     * @param maxTokens the token limit per input, special tokens included; capped at the model's
     *     position embeddings
     */
    public static BackboneRuntime load(String name, Path directory, Device device, int maxTokens)
            throws IOException, WeightLoadException {
        Path tokenizerFile = directory.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new WeightLoadException(
                    "backbone "
                            + name
                            + ": "
                            + tokenizerFile
                            + " is missing (save the tokenizer"
                            + " with the model: tokenizer.save_pretrained(directory))");
        }
        long start = System.nanoTime();
        return BackboneLoading.inNewRoot(
                device,
                (root, weightsManager) -> {
                    BertWeights weights;
                    try {
                        weights = HfBertCheckpoint.load(directory, weightsManager);
                    } catch (WeightLoadException e) {
                        throw BackboneLoading.named(name, e);
                    }
                    int limit = Math.min(maxTokens, weights.config().maxPositions());
                    TextTokenizer tokenizer;
                    try (InputStream json = Files.newInputStream(tokenizerFile)) {
                        tokenizer = TextTokenizer.fromJson(json, limit);
                    }
                    BackboneRuntime runtime =
                            BackboneRuntime.create(name, weights, tokenizer, weightsManager, root);
                    log.info(
                            "Loaded backbone {} from {} (bert, {} layers, hidden {}, {} MB) on {} in {} ms;"
                                    + " token limit {}",
                            name,
                            directory,
                            weights.config().layers(),
                            weights.config().hiddenSize(),
                            weights.byteSize() / (1024 * 1024),
                            device,
                            (System.nanoTime() - start) / 1_000_000,
                            limit);
                    return runtime;
                });
    }
}
